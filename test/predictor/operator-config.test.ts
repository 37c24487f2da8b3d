// The operator's intent survives its store: SLOs and events declared in the --slos-file come back
// after Redis loses its data (FLUSHDB on a Redis of the test's own), within one check, and the
// loss is reported in the log, in /metrics, in /api/info and to the scaler's policy.
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Slo } from "../../contracts/index.ts";
import { manualClock, redisKeys } from "../../contracts/index.ts";
import { apiRouter } from "../../predictor/api/routes.ts";
import { loadConfig } from "../../predictor/config/config.ts";
import { parseOperatorFile } from "../../predictor/config/operator-file.ts";
import { operatorWatch } from "../../predictor/operator-config/operator-watch.ts";
import { DocumentStore } from "../../predictor/store/documents.ts";
import { RedisEpochWatch } from "../../node-shared/redis-epoch.ts";
import { SeriesStore } from "../../predictor/store/series-store.ts";
import { scalerFileSchema } from "../../scaler/config/config-schema.ts";
import type { PrivateRedis } from "../faults/support/private-redis.ts";
import { startPrivateRedis } from "../faults/support/private-redis.ts";
import * as v from "valibot";

const TOKEN = "s3cret-admin-token-0123";
const NOW = Date.UTC(2026, 11, 1, 8);
const FILE = "/etc/headroom/slos.yaml";
const TEXT = `
slos:
  - { pool: eu-west, mode: act, targetUtilization: 0.7, leadSeconds: 300, scaleInCooldownSeconds: 600 }
  - { pool: us-east, mode: advise, targetUtilization: 0.6, leadSeconds: 120, scaleInCooldownSeconds: 300 }
events:
  - { id: launch, pool: eu-west, start: "2026-12-01T09:00:00Z", end: "2026-12-01T12:00:00Z", expectedRps: 2500 }
  - { id: last-year, pool: eu-west, start: "2025-12-01T09:00:00Z", end: "2025-12-01T12:00:00Z", expectedRps: 900 }
`;

let server: PrivateRedis;
let redis: Redis;

beforeEach(async () => {
  server = await startPrivateRedis({ persistent: false });
  redis = new Redis(server.url, { maxRetriesPerRequest: null });
});
afterEach(async () => {
  redis.disconnect();
  await server.close();
});

/** One predictor process: its watch (checked by the test, as its timer would), its API, its log. */
function predictorProcess(clock: () => number, id: string) {
  const parsed = parseOperatorFile(TEXT);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const keys = redisKeys("lb");
  const documents = new DocumentStore(redis, keys);
  const declared = { file: FILE, config: parsed.value };
  const lines: string[] = [];
  let ids = 0;
  const watch = operatorWatch({
    epoch: new RedisEpochWatch(redis, keys, { now: clock, newId: () => `${id}-epoch-${++ids}` }),
    documents,
    declared,
    now: clock,
    log: (line) => lines.push(line),
  });
  const router = apiRouter({
    series: new SeriesStore(redis, keys, 60, 86_400),
    documents,
    adminToken: TOKEN,
    now: clock,
    maxBodyBytes: 4096,
    declared,
  });
  const call = async (path: string, init: RequestInit = {}) => {
    const response = (await router.fetch(new Request(`http://predictor${path}`, init))) as Response;
    return { status: response.status, text: await response.text() };
  };
  return { watch, lines, call, documents };
}

const pools = async (documents: DocumentStore) => (await documents.readSlos()).slos.map((s) => s.pool);

describe("SLOs and events declared in the operator file", () => {
  it("are set at start, and put back with the loss reported after Redis loses its data", async () => {
    const clock = manualClock(NOW);
    const api = predictorProcess(clock, "api");
    await api.watch.check();
    expect(await pools(api.documents)).toEqual(["eu-west", "us-east"]);
    // An event already over is not put back (the API would refuse it too).
    expect((await api.documents.readEvents()).events.map((e) => e.id)).toEqual(["launch"]);
    expect(api.lines.join("\n")).toContain(
      `${FILE} declares 2 SLO(s) and 2 event(s); 3 were missing and are set`,
    );

    clock.advance(60_000);
    await redis.flushdb();
    await api.watch.check();
    expect(await pools(api.documents)).toEqual(["eu-west", "us-east"]);
    expect((await api.documents.readEvents()).events.map((e) => e.id)).toEqual(["launch"]);
    expect(api.lines.find((line) => line.startsWith("REDIS LOST ITS DATA"))).toMatch(
      /^REDIS LOST ITS DATA: epoch api-epoch-1 is gone, epoch api-epoch-2 began at 2026-12-01T08:01:00.000Z\..* the SLOs and events of \/etc\/headroom\/slos.yaml are put back/,
    );
    expect(api.lines.at(-1)).toBe(
      `put back from ${FILE}, missing from Redis: SLO eu-west, SLO us-east, event launch`,
    );
    const metrics = (await api.call("/metrics")).text;
    expect(metrics).toContain(`predictor_redis_data_loss_timestamp_seconds ${(NOW + 60_000) / 1000}`);
    expect(metrics).toContain(`predictor_redis_epoch_start_timestamp_seconds ${(NOW + 60_000) / 1000}`);
    const info = JSON.parse((await api.call("/api/info")).text) as { redisEpoch: unknown };
    expect(info.redisEpoch).toEqual({
      id: "api-epoch-2",
      startedAt: "2026-12-01T08:01:00.000Z",
      lost: { id: "api-epoch-1", detectedAt: "2026-12-01T08:01:00.000Z" },
    });
  });

  it("a second process agrees on the new epoch and reports the loss too; nothing is written twice", async () => {
    const clock = manualClock(NOW);
    const one = predictorProcess(clock, "one");
    const two = predictorProcess(clock, "two");
    await one.watch.check();
    await two.watch.check();
    await redis.flushdb();
    await Promise.all([one.watch.check(), two.watch.check()]);
    const lost = [...one.lines, ...two.lines].filter((line) => line.startsWith("REDIS LOST ITS DATA"));
    expect(lost).toHaveLength(2);
    expect(new Set(lost.map((line) => /epoch (\S+) began/.exec(line)?.[1])).size).toBe(1);
    expect(await pools(one.documents)).toEqual(["eu-west", "us-east"]);
  });

  it("an SLO changed through the API is an override, kept until the store loses it; the API says which is which", async () => {
    const clock = manualClock(NOW);
    const api = predictorProcess(clock, "api");
    await api.watch.check();
    const edited: Slo = {
      pool: "eu-west",
      mode: "advise",
      targetUtilization: 0.5,
      leadSeconds: 300,
      scaleInCooldownSeconds: 600,
    };
    const put = (path: string, body: unknown) =>
      api.call(path, {
        method: "PUT",
        headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    expect((await put("/api/slos/eu-west", edited)).status).toBe(200);
    expect((await put("/api/slos/ap-south", { ...edited, pool: "ap-south" })).status).toBe(200);
    await api.watch.check();
    const listed = JSON.parse((await api.call("/api/slos")).text) as {
      slos: Slo[];
      sources: Record<string, string>;
      file: string;
    };
    expect(listed.sources).toEqual({ "ap-south": "api", "eu-west": "override", "us-east": "file" });
    expect(listed.file).toBe(FILE);
    expect(listed.slos.find((s) => s.pool === "eu-west")).toEqual(edited);
    const events = JSON.parse((await api.call("/api/events")).text) as { sources: Record<string, string> };
    expect(events.sources).toEqual({ launch: "file" });
    // A declared event cannot be deleted here: the next check would put it back.
    const deleted = await api.call("/api/events/launch", {
      method: "DELETE",
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(deleted.status).toBe(409);
    expect(deleted.text).toContain(`declared in ${FILE}; remove it there`);
    expect((await api.documents.readEvents()).events.map((e) => e.id)).toEqual(["launch"]);
  });

  it("checks more often than the scaler evaluates, so the SLOs are back before its next evaluation", () => {
    const predictor = loadConfig({}, {});
    const scaler = v.parse(scalerFileSchema, {
      weights: { kind: "worker-admin", url: "http://127.0.0.1:8787" },
    });
    expect(predictor.ok && predictor.config.reconcileIntervalSeconds).toBeLessThan(scaler.intervalSeconds);
  });
});
