import type { Redis } from "ioredis";
import { decodeSeriesMember, encodeSeriesMember } from "../../contracts/index.ts";
import { SERIES_LATEST_FIELD, seriesChunkField } from "../../contracts/series-layout.ts";
import type { GridPoint } from "./series-chunks.ts";
import { encodeChunk, planChunkWrites, storedValue } from "./series-chunks.ts";

const ATTEMPTS = 5;

/** The points of an old sorted-set series on a `stepMs` grid: members falling in one step (a
 * series written at another step) are averaged, as reading them always did. */
export function legacyPointsOnGrid(members: readonly string[], stepMs: number): GridPoint[] {
  const steps = new Map<number, { sum: number; count: number }>();
  for (const member of members) {
    const point = decodeSeriesMember(member);
    if (!point) continue;
    const t = Math.floor(point.t / stepMs) * stepMs;
    const step = steps.get(t) ?? { sum: 0, count: 0 };
    steps.set(t, { sum: step.sum + point.value, count: step.count + 1 });
  }
  return [...steps.entries()].sort(([a], [b]) => a - b).map(([t, s]) => ({ t, value: s.sum / s.count }));
}

/**
 * Converts one series from the sorted set of older versions to the chunked hash, in one
 * transaction guarded by WATCH on a connection of its own (a shared connection's other commands
 * must not run inside it): a writer that changes the key meanwhile makes it start over, so no
 * point is lost. Does nothing when the key is no longer a sorted set.
 */
export async function convertLegacySeries(redis: Redis, key: string, stepSeconds: number): Promise<void> {
  const stepMs = stepSeconds * 1000;
  const connection = redis.duplicate();
  try {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      await connection.watch(key);
      if ((await connection.type(key)) !== "zset") {
        await connection.unwatch();
        return;
      }
      const points = legacyPointsOnGrid(await connection.zrange(key, "0", "-1"), stepMs);
      const last = points.at(-1);
      const transaction = connection.multi().del(key);
      for (const chunk of planChunkWrites(points, stepMs))
        transaction.hset(key, seriesChunkField(chunk.start, stepSeconds), encodeChunk(chunk));
      if (last)
        transaction.hset(key, SERIES_LATEST_FIELD, encodeSeriesMember(last.t, storedValue(last.value)));
      if ((await transaction.exec()) !== null) return;
    }
    throw new Error(`${key}: could not convert the old series layout; it kept changing`);
  } finally {
    connection.disconnect();
  }
}
