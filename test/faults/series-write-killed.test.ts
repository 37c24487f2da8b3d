// The predictor killed between two writes of one series chunk: every point whose write Redis had
// acknowledged is there after the restart, with its value, and the restarted predictor goes on
// writing the same series.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { redisKeys } from "../../contracts/index.ts";
import { SERIES_CHUNK_STEPS, seriesChunkField } from "../../contracts/series-layout.ts";
import type { SeriesPoint } from "../../predictor/store/series-store.ts";
import { SeriesStore } from "../../predictor/store/series-store.ts";
import { startFaultOrigin } from "./support/fault-origin.ts";
import type { FaultParts } from "./support/fault-parts.ts";
import { closeFaultParts } from "./support/fault-parts.ts";
import { startPrivateRedis } from "./support/private-redis.ts";
import { eventually } from "./support/scaler-setup.ts";
import { startPredictor } from "./support/services.ts";

const LOG_WRITES = "test/faults/fixtures/log-series-writes.ts";
const keys = redisKeys("lb");

const world: FaultParts = { services: [] };
afterEach(() => closeFaultParts(world));

/** The points of every write a process printed with `label` (the fixture's lines). */
function writesIn(output: string, label: string): SeriesPoint[][] {
  return [...output.matchAll(new RegExp(`^${label} (.*)$`, "gm"))].map(
    ([, json = "[]"]) => JSON.parse(json) as SeriesPoint[],
  );
}

const stored = (points: SeriesPoint[]) => points.filter((p) => Number.isFinite(p.value));

describe("the predictor killed between two writes of a series chunk", () => {
  it("loses no acknowledged point: a restarted predictor finds them all and writes on", async () => {
    const server = (world.server = await startPrivateRedis({ persistent: false }));
    const client = (world.client = new Redis(server.url, { maxRetriesPerRequest: null }));
    const origin = (world.origin = await startFaultOrigin({ rps: 100, replicas: 3, rpsPerReplica: 100 }));
    const dir = (world.dir = await mkdtemp(path.join(tmpdir(), "headroom-fault-series-")));

    const first = await startPredictor(dir, server.url, origin.url, { HOLD_SERIES_WRITE_AFTER: "4" }, [
      LOG_WRITES,
    ]);
    world.services.push(first.service);
    const [, held = "[]"] = await first.service.waitFor(/^HOLDING-SERIES-WRITE (.*)$/m, 60_000);
    await first.service.kill("SIGKILL");
    const acknowledged = writesIn(first.service.output(), "ACKNOWLEDGED-SERIES-WRITE").flatMap(stored);
    expect(acknowledged.length).toBeGreaterThanOrEqual(4);
    // The write it died before goes to the chunk the last acknowledged write went to.
    const heldPoints = JSON.parse(held) as SeriesPoint[];
    const chunkOf = (t: number) => Math.floor(t / (SERIES_CHUNK_STEPS * 1000)) * SERIES_CHUNK_STEPS * 1000;
    expect(chunkOf(heldPoints[0]?.t ?? 0)).toBe(chunkOf(acknowledged.at(-1)?.t ?? -1));

    const second = await startPredictor(dir, server.url, origin.url, {}, [LOG_WRITES]);
    world.services.push(second.service);
    await eventually(
      "two writes by the restarted predictor",
      () => Promise.resolve(writesIn(second.service.output(), "ACKNOWLEDGED-SERIES-WRITE").length >= 2),
      60_000,
    );
    const later = writesIn(second.service.output(), "ACKNOWLEDGED-SERIES-WRITE").flatMap(stored);

    const store = new SeriesStore(client, keys, 1, 3_600);
    const read = async (point: SeriesPoint) => {
      const t = store.bucketOf(point.t);
      return (await store.read(point.origin, point.metric, t, t)).values[0];
    };
    // Writing a step again replaces its value: each step holds the last acknowledged write's.
    const expected = new Map<string, SeriesPoint>();
    for (const point of [...acknowledged, ...later])
      expected.set(`${point.metric}@${store.bucketOf(point.t)}`, point);
    for (const point of acknowledged)
      expect(await read(point), `${point.metric} at ${new Date(point.t).toISOString()}`).not.toBeNull();
    for (const point of expected.values())
      expect(await read(point), `${point.metric} at ${new Date(point.t).toISOString()}`).toBe(
        Math.fround(point.value),
      );
    // The chunk caught between two writes is one field of its series, still whole.
    const last = acknowledged.at(-1);
    if (!last) throw new Error("nothing acknowledged");
    const field = seriesChunkField(chunkOf(store.bucketOf(last.t)), 1);
    expect(await client.hstrlen(keys.series(last.origin, last.metric), field)).toBe(SERIES_CHUNK_STEPS * 4);
  }, 150_000);
});
