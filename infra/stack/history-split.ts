import type { OriginTable, Pool, Rng, TracePoint } from "../../contracts/index.ts";
import { centralAngle } from "../../edge/routing/geo.ts";
import type { City } from "../replayer/cities.ts";
import type { ClientMix } from "../replayer/client-mix.ts";
import { poisson } from "../traces/random-variates.ts";

/** One origin's share of the history: its rps at each step, and its capacity then. */
export type OriginHistory = { origin: string; rps: TracePoint[] };

/**
 * The pool a client from `city` lands in when every origin is healthy, by the edge's own rule:
 * pools listing the client's country first, then the nearest by great-circle distance, table
 * order breaking ties (edge/routing/geo.ts `orderPools`).
 */
export function homePool(table: OriginTable, city: City): Pool {
  let best: { pool: Pool; local: number; distance: number } | null = null;
  for (const pool of table.pools) {
    const local = pool.countries?.includes(city.country) === true ? 0 : 1;
    const distance = centralAngle(city.lat, city.lon, pool.location.lat, pool.location.lon);
    if (best === null || local < best.local || (local === best.local && distance < best.distance))
      best = { pool, local, distance };
  }
  if (best === null) throw new Error("the origin table has no pool");
  return best.pool;
}

/** Each origin's share of the whole traffic at trace time `traceTime`: the client mix's city
 * shares summed per home pool, then split inside the pool by operator weight (what the edge's
 * weighted balancing converges to when the origins answer alike). */
export function originShares(table: OriginTable, mix: ClientMix, traceTime: number): Map<string, number> {
  const poolShare = new Map<string, number>();
  for (const { city, share } of mix.shares(traceTime)) {
    const pool = homePool(table, city).name;
    poolShare.set(pool, (poolShare.get(pool) ?? 0) + share);
  }
  const shares = new Map<string, number>();
  for (const pool of table.pools) {
    const serving = pool.origins.filter((origin) => origin.enabled !== false && origin.weight > 0);
    const total = serving.reduce((sum, origin) => sum + origin.weight, 0);
    for (const origin of pool.origins) {
      const inPool = total > 0 && serving.includes(origin) ? origin.weight / total : 0;
      shares.set(origin.id, (poolShare.get(pool.name) ?? 0) * inPool);
    }
  }
  return shares;
}

/**
 * Splits the replay's compressed history (total rps per step, from RatePlan.backfill without
 * sampling) into each origin's rps, as the predictor would have scraped it: each origin's mean
 * rate is its share of the total at that trace time, and its count per step is Poisson-sampled
 * (a scraped counter's increase is a count, not a mean). A point is stored one step later than
 * its bucket start, because a scrape at t records the rate over the step before t.
 */
export function splitHistory(input: {
  total: readonly TracePoint[];
  stepSeconds: number;
  table: OriginTable;
  mix: ClientMix;
  /** Trace time (epoch ms) played at real time `t` (epoch ms). */
  traceTimeAt: (t: number) => number;
  rng: Rng;
}): OriginHistory[] {
  const { total, stepSeconds, table, mix, traceTimeAt, rng } = input;
  const stepMs = stepSeconds * 1000;
  const out = new Map<string, TracePoint[]>(
    table.pools.flatMap((pool) => pool.origins.map((origin) => [origin.id, [] as TracePoint[]] as const)),
  );
  for (const point of total) {
    const traceTime = traceTimeAt(point.t + stepMs / 2);
    if (Number.isNaN(traceTime)) continue;
    for (const [origin, share] of originShares(table, mix, traceTime)) {
      const count = poisson(rng, point.value * share * stepSeconds);
      out.get(origin)?.push({ t: point.t + stepMs, value: count / stepSeconds });
    }
  }
  return [...out].map(([origin, rps]) => ({ origin, rps }));
}
