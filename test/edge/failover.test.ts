import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { OriginTable } from "../../contracts/origin-table.ts";
import { EdgeWorker } from "./support/edge-worker.ts";
import { metricValue, originStatus, statusAt } from "./support/status.ts";
import { ASHBURN, FRANKFURT, PARIS, originTable } from "./support/tables.ts";
import { TestOrigin } from "./support/test-origin.ts";
import { sendMany, sharesOf } from "./support/traffic.ts";

// Origins failing under real traffic, through the real Worker, with the clock injected.

const T0 = Date.UTC(2026, 0, 1);
let edge: EdgeWorker;
let version = 0;
const started: TestOrigin[] = [];

async function origins<const Names extends readonly string[]>(
  ...names: Names
): Promise<{ [K in keyof Names]: TestOrigin }> {
  const list = await Promise.all(names.map((name) => TestOrigin.start(name)));
  started.push(...list);
  return list as { [K in keyof Names]: TestOrigin };
}

async function putTable(table: OriginTable): Promise<void> {
  expect((await edge.admin("PUT", "/__lb/table", table, T0)).status).toBe(200);
}

beforeAll(async () => {
  edge = await EdgeWorker.start();
});
afterEach(async () => {
  await Promise.all(started.splice(0).map((o) => o.stop()));
});
afterAll(async () => {
  await edge.stop();
});

describe("an origin that starts refusing connections", () => {
  it("causes no failed idempotent request, is ejected after the configured failures, and comes back through slow start", async () => {
    const [a, b, c] = await origins("refuse-a", "refuse-b", "refuse-c");
    await putTable(
      originTable(
        ++version,
        [{ name: "eu", location: FRANKFURT, origins: [{ origin: a }, { origin: b }, { origin: c }] }],
        { resilience: { ejection: { consecutiveFailures: 3, baseMs: 30_000 }, slowStartMs: 20_000 } },
      ),
    );
    // Ten requests a second on the injected clock, so latency estimates age as in real traffic.
    const before = await sendMany(edge, 60, 4, (i) => ({ geo: PARIS, now: T0 + 100 * i, seed: i }));
    expect(before.every((x) => x.status === 200)).toBe(true);
    expect(c.hits).toBeGreaterThan(0);
    await c.refuse();
    const during = await sendMany(edge, 150, 4, (i) => ({
      geo: PARIS,
      now: T0 + 10_000 + 100 * i,
      seed: 100 + i,
    }));
    expect(during.filter((x) => x.status !== 200)).toEqual([]);
    expect(sharesOf(during)["refuse-c"]).toBeUndefined();

    const status = await statusAt(edge, T0 + 25_000);
    const refused = originStatus(status, "refuse-c");
    expect(refused).toMatchObject({ ejected: true, ejections: 1, serving: false });
    expect(status.events).toContainEqual(
      expect.objectContaining({
        kind: "ejected",
        origin: "refuse-c",
        detail: expect.stringContaining("3 consecutive failures (last: connect)") as string,
      }),
    );
    const failedTries = await metricValue(
      edge,
      'lb_upstream_errors_total{origin="refuse-c",kind="connect"}',
      T0 + 25_000,
    );
    expect(failedTries).toBeGreaterThanOrEqual(3);
    expect(failedTries).toBeLessThanOrEqual(3 + 4);
    expect(await metricValue(edge, 'lb_origin_ejected{origin="refuse-c"}', T0 + 25_000)).toBe(1);

    // Back after its ejection time: 10 % of its weight at first, its full share once the window is over.
    await c.restore();
    const until = Date.parse(refused.ejectedUntil ?? "");
    expect(until).toBeGreaterThan(T0 + 10_000 + 29_000);
    const stillOut = await sendMany(edge, 30, 4, (i) => ({ geo: PARIS, now: until - 1_000, seed: 300 + i }));
    expect(sharesOf(stillOut)["refuse-c"]).toBeUndefined();
    const ramping = await sendMany(edge, 300, 4, (i) => ({ geo: PARIS, now: until + 1_000, seed: 400 + i }));
    const rampStatus = originStatus(await statusAt(edge, until + 1_000), "refuse-c");
    expect(rampStatus).toMatchObject({ ejected: false, serving: true, slowStart: 0.1, effectiveWeight: 10 });
    // Once the window is over: one request at a time, 100 s apart on the injected clock, so the
    // latency estimates have decayed to the pool's typical latency and the weights decide alone.
    const settled = await sendMany(edge, 240, 1, (i) => ({
      geo: PARIS,
      now: until + 25_000 + 100_000 * i,
      seed: 800 + i,
    }));
    expect(ramping.every((x) => x.status === 200) && settled.every((x) => x.status === 200)).toBe(true);
    // During the ramp (weights 10, 100, 100) P2C can hand the origin at most the share of picks
    // whose pair of draws includes it, 13.4 %, whatever the latencies: 4 standard errors above
    // that is 21 %, against the third it would take at full weight.
    expect(sharesOf(ramping)["refuse-c"] ?? 0).toBeLessThan(0.134 + 4 * Math.sqrt((0.134 * 0.866) / 300));
    // At full weight, a third, within 4 standard errors of 240 picks.
    expect(Math.abs((sharesOf(settled)["refuse-c"] ?? 0) - 1 / 3)).toBeLessThan(
      4 * Math.sqrt(((1 / 3) * (2 / 3)) / 240),
    );
    expect((await statusAt(edge, until + 25_000 + 100_000 * 240)).events).toContainEqual(
      expect.objectContaining({ kind: "restored", origin: "refuse-c" }),
    );
  });
});

describe("what counts as a failure", () => {
  it("ejects an origin answering 503 but not one answering 404, and retries the 503s elsewhere", async () => {
    const [failing, missing, fine] = await origins("s503", "s404", "s200");
    failing.behaviour.status = 503;
    missing.behaviour.status = 404;
    await putTable(
      originTable(
        ++version,
        [
          {
            name: "eu",
            location: FRANKFURT,
            origins: [{ origin: failing }, { origin: missing }, { origin: fine }],
          },
        ],
        { resilience: { ejection: { consecutiveFailures: 3 }, retry: { backoffBaseMs: 0 } } },
      ),
    );
    const answers = await sendMany(edge, 90, 3, (i) => ({ geo: PARIS, now: T0 + 10 * i, seed: i }));
    expect(answers.filter((x) => x.status === 503)).toEqual([]);
    expect(new Set(answers.map((x) => x.status))).toEqual(new Set([200, 404]));
    const status = await statusAt(edge, T0 + 1_000);
    expect(originStatus(status, "s503")).toMatchObject({ ejected: true });
    expect(originStatus(status, "s404")).toMatchObject({ ejected: false, serving: true });
    expect(await metricValue(edge, 'lb_retries_total{origin="s503"}', T0 + 1_000)).toBeGreaterThanOrEqual(3);
  });
});

describe("when a pool or everything is down", () => {
  const table = (eu: TestOrigin[], us: TestOrigin[]) =>
    originTable(
      ++version,
      [
        { name: "eu", location: FRANKFURT, fallback: "us", origins: eu.map((origin) => ({ origin })) },
        { name: "us", location: ASHBURN, origins: us.map((origin) => ({ origin })) },
      ],
      { resilience: { ejection: { consecutiveFailures: 2, maxShare: 1 }, retry: { backoffBaseMs: 0 } } },
    );

  it("sends a pool's traffic to its fallback pool when all its origins are down", async () => {
    const [eu1, eu2, us1] = await origins("down-eu-1", "down-eu-2", "down-us-1");
    await putTable(table([eu1, eu2], [us1]));
    await Promise.all([eu1.refuse(), eu2.refuse()]);
    const answers = await sendMany(edge, 40, 2, (i) => ({ geo: PARIS, now: T0 + 10 * i, seed: i }));
    expect(answers.every((x) => x.status === 200 && x.origin === "down-us-1")).toBe(true);
    const status = await statusAt(edge, T0 + 1_000);
    expect([originStatus(status, "down-eu-1").ejected, originStatus(status, "down-eu-2").ejected]).toEqual([
      true,
      true,
    ]);
  });

  it("answers 503 with Retry-After and a reason when every origin is down", async () => {
    const [eu1, us1] = await origins("all-eu-1", "all-us-1");
    await putTable(table([eu1], [us1]));
    await Promise.all([eu1.refuse(), us1.refuse()]);
    const answers = await sendMany(edge, 20, 2, (i) => ({ geo: PARIS, now: T0 + 10 * i, seed: i }));
    for (const answer of answers) {
      expect(answer.status).toBe(503);
      expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(JSON.parse(answer.body)).toEqual({
        error: expect.stringMatching(/no origin could be reached|no healthy origin/) as string,
      });
    }
  });
});
