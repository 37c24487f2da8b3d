// Redis crashes and comes back while the predictor and the scaler run as real processes: both
// reconnect on their own, no scraped point turns into a zero, no decision is lost or repeated.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import type { Decision } from "../../contracts/index.ts";
import { redisKeys } from "../../contracts/index.ts";
import { SeriesStore } from "../../predictor/store/series-store.ts";
import { forecastOf } from "../../scaler/policy/policy-fixtures.ts";
import { startFakeWorkerAdmin } from "../scaler/fake-worker-admin.ts";
import type { FaultOrigin } from "./support/fault-origin.ts";
import { startFaultOrigin } from "./support/fault-origin.ts";
import type { FaultParts } from "./support/fault-parts.ts";
import { closeFaultParts } from "./support/fault-parts.ts";
import { startPrivateRedis } from "./support/private-redis.ts";
import { eventually, faultTable, readDecisions, seedScaleOut, WORKER_TOKEN } from "./support/scaler-setup.ts";
import type { ServiceProcess } from "./support/service-process.ts";
import { startPredictor, startScaler } from "./support/services.ts";

const PREFIX = "lb";
const keys = redisKeys(PREFIX);
const RPS = 100;

const world: FaultParts = { services: [] };
afterEach(() => closeFaultParts(world));

/** Starts a private Redis, the origin, the fake Worker, the predictor and the scaler, seeds an
 * SLO and a forecast that makes the scaler scale eu-1 out, and waits until points are being
 * written and that first decision is applied. */
async function startWorld(
  persistent: boolean,
): Promise<{ redis: Redis; predictor: ServiceProcess; scaler: ServiceProcess; api: string }> {
  const server = (world.server = await startPrivateRedis({ persistent }));
  const redis = new Redis(server.url, { maxRetriesPerRequest: null });
  redis.on("error", () => undefined);
  world.client = redis;
  const origin = (world.origin = await startFaultOrigin({ rps: RPS, replicas: 3, rpsPerReplica: 100 }));
  const admin = (world.admin = await startFakeWorkerAdmin(WORKER_TOKEN, faultTable(origin.url, Date.now())));
  const dir = (world.dir = await mkdtemp(path.join(tmpdir(), "headroom-fault-redis-world-")));
  await seedScaleOut(redis, PREFIX, Date.now(), false);
  const { service: predictor, api } = await startPredictor(dir, server.url, origin.url);
  world.services.push(predictor);
  const scaler = await startScaler(dir, server.url, admin.url, origin.url);
  world.services.push(scaler);
  await eventually("three scraped rps points", async () => (await rpsPoints(redis)).length >= 3, 30_000);
  await eventually(
    "the first scale-out applied",
    async () => (await readDecisions(redis, PREFIX)).some((d) => d.action === "scale-out" && d.applied),
    30_000,
  );
  return { redis, predictor, scaler, api };
}

/** Every stored rps point of the last ten minutes (the predictor's 1 s step), oldest first. */
async function rpsPoints(redis: Redis): Promise<{ t: number; value: number }[]> {
  const now = Date.now();
  const series = await new SeriesStore(redis, keys, 1, 86_400).read(
    "eu-1",
    "rps",
    now - 600_000,
    now + 60_000,
  );
  return series.values.flatMap((value, i) => (value === null ? [] : [{ t: series.start + i * 1000, value }]));
}

/** A forecast for eu-1 rising to `peak` rps in 5 minutes. */
async function forecastPeak(redis: Redis, peak: number): Promise<void> {
  const now = Date.now();
  await redis.set(
    keys.forecast("eu-1", "rps"),
    JSON.stringify(forecastOf("eu-1", now, 60, 60, (t) => (t < now + 5 * 60_000 ? 150 : peak))),
  );
}

/** Each decision in the stream is there once; each one the platform carried out is recorded as
 * applied, and the platform carried each one out once. */
function expectEveryDecisionOnce(decisions: Decision[], calls: FaultOrigin["calls"]): void {
  const ids = decisions.map((d) => d.id);
  expect(new Set(ids).size).toBe(ids.length);
  const applied = calls.filter((c) => c.applied).map((c) => c.decisionId);
  expect(new Set(applied).size).toBe(applied.length);
  for (const id of applied) expect(decisions.find((d) => d.id === id)).toMatchObject({ applied: true });
  for (const decision of decisions.filter((d) => d.action === "scale-out" && d.applied))
    expect(applied).toContain(decision.id);
}

describe("Redis crashing and coming back", () => {
  it("with persistence: a scrape and a decision caught mid-flight are written late, once, with their true values", async () => {
    const { redis, predictor, scaler, api } = await startWorld(true);
    const live = world.server;
    const fault = world.origin;
    if (!live || !fault) throw new Error("not started");

    // Catch a scrape and a scale call in flight, then crash Redis under them.
    const scrapeHeld = fault.holdNext(/^\/metrics$/);
    const scaleHeld = fault.holdNext(/^\/hooks\/scale$/);
    await forecastPeak(redis, 1200);
    const [scrape, scale] = await Promise.all([scrapeHeld, scaleHeld]);
    const beforeCrash = new Set((await rpsPoints(redis)).map((p) => `${p.t}:${p.value}`));
    await live.crash();
    const downAt = Date.now();
    scrape.release();
    scale.release();
    const heldId = fault.calls.at(-1)?.decisionId ?? "";
    await predictor.waitFor(/Redis connection lost/);
    await scaler.waitFor(/Redis connection lost/);
    // An outage of at least three steps.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, downAt + 3_000 - Date.now())));
    const upAt = Date.now();
    await live.start();
    await predictor.waitFor(/Redis answers again/);
    await scaler.waitFor(/Redis answers again/);

    const heldDecision = await eventually("the decision caught by the crash in the stream", async () =>
      (await readDecisions(redis, PREFIX)).find((d) => d.id === heldId),
    );
    await eventually(
      "three points scraped after the restart",
      async () => (await rpsPoints(redis)).filter((p) => p.t > upAt).length >= 3,
    );
    expect(predictor.running() && scaler.running()).toBe(true);

    // Every point is a true rate, the one scraped as Redis died included (stored at its own
    // time, late); the outage is a gap, never a zero.
    const points = await rpsPoints(redis);
    for (const point of points)
      expect(point.value, `point at ${new Date(point.t).toISOString()}`).toBeGreaterThan(0.75 * RPS);
    for (const point of points) expect(point.value).toBeLessThan(1.25 * RPS);
    const late = points.filter((p) => p.t <= downAt && !beforeCrash.has(`${p.t}:${p.value}`));
    expect(late).toHaveLength(1);
    expect(Math.floor(scrape.arrivedAt / 1000) * 1000 - (late[0]?.t ?? 0)).toBeLessThanOrEqual(1000);
    // Nothing could be scraped while Redis was down (the jobs live there): those steps are gaps.
    expect(points.filter((p) => p.t >= downAt + 1000 && p.t + 1000 <= upAt)).toEqual([]);
    const minutes = Math.ceil((Date.now() - downAt) / 60_000) + 1;
    const shown = (await (await fetch(`${api}/series?origin=eu-1&metric=rps&minutes=${minutes}`)).json()) as {
      series: { start: string; values: (number | null)[] }[];
    };
    const window = shown.series[0];
    expect(window?.values.some((v) => v === null)).toBe(true);
    expect(window?.values.includes(0)).toBe(false);

    // The decision whose call was in flight is recorded once, applied; nothing was asked twice.
    expect(heldDecision).toMatchObject({ action: "scale-out", applied: true, to: { replicas: 19 } });
    expect(fault.calls.filter((c) => c.decisionId === heldDecision.id)).toHaveLength(1);
    expectEveryDecisionOnce(await readDecisions(redis, PREFIX), fault.calls);
  }, 120_000);

  it("without persistence: both resume on their own, the lost history restarts with a gap and new decisions are new", async () => {
    const { redis, predictor, scaler } = await startWorld(false);
    const live = world.server;
    const fault = world.origin;
    if (!live || !fault) throw new Error("not started");
    const before = await readDecisions(redis, PREFIX);
    const callsBefore = fault.calls.length;

    await live.crash();
    await predictor.waitFor(/Redis connection lost/);
    await scaler.waitFor(/Redis connection lost/);
    // Everything is gone: series, scrape state, job schedules, SLOs, the scaler's memory.
    await live.start();
    const upAt = Date.now();
    await predictor.waitFor(/Redis answers again/);
    await scaler.waitFor(/Redis answers again/);
    expect(await redis.exists(keys.series("eu-1", "rps"), keys.slos)).toBe(0);

    // The operator enters the SLO again; the load is now forecast to need 19 replicas.
    await seedScaleOut(redis, PREFIX, Date.now(), false);
    await forecastPeak(redis, 1200);
    await eventually(
      "three points scraped after the restart",
      async () => (await rpsPoints(redis)).length >= 3,
    );
    const after = await eventually("a scale-out decided after the restart", async () =>
      (await readDecisions(redis, PREFIX)).find((d) => d.action === "scale-out" && d.applied),
    );
    expect(predictor.running() && scaler.running()).toBe(true);

    // The first scrape after the restart had nothing to take a rate from: a gap, not a zero.
    const points = await rpsPoints(redis);
    expect(points.every((p) => p.t >= Math.floor(upAt / 1000) * 1000)).toBe(true);
    for (const point of points) expect(point.value).toBeGreaterThan(0.75 * RPS);
    // The new decision is a new one to the platform, which carries it out.
    expect(before.map((d) => d.id)).not.toContain(after.id);
    expect(after).toMatchObject({ to: { replicas: 19 } });
    expect(fault.replicas()).toBe(19);
    // The stream lost what it held; from the restart on it is complete again.
    expectEveryDecisionOnce(await readDecisions(redis, PREFIX), fault.calls.slice(callsBefore));
  }, 120_000);
});
