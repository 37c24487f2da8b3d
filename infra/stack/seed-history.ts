import type { Redis } from "ioredis";
import type { OriginTable, Rng } from "../../contracts/index.ts";
import { redisKeys } from "../../contracts/index.ts";
import { SeriesStore } from "../../predictor/store/series-store.ts";
import type { OriginSpec } from "../simulator/fleet-spec.ts";
import { splitHistory } from "./history-split.ts";
import type { TrafficPlan } from "./traffic.ts";

/** What was written: points per origin, and the span. */
export type SeededHistory = { origins: number; pointsPerOrigin: number; from: number; to: number };

/**
 * Writes the history the demo traffic "had" before it started, through the predictor's own
 * series store: each origin's share of the replay's compressed past (RatePlan.backfill, split by
 * the client mix and the table's weights) as its `rps` series, and a capacity sample per step at
 * its initial replicas, so the first models train at once and the scaler sees capacity.
 */
export async function seedHistory(input: {
  redis: Redis;
  prefix: string;
  stepSeconds: number;
  retentionSeconds: number;
  historySeconds: number;
  traffic: TrafficPlan;
  table: OriginTable;
  origins: readonly OriginSpec[];
  /** Real time (epoch ms) the history ends at: the replay continues from there. */
  endAt: number;
  rng: Rng;
}): Promise<SeededHistory> {
  const { traffic, endAt, stepSeconds } = input;
  const store = new SeriesStore(input.redis, redisKeys(input.prefix), stepSeconds, input.retentionSeconds);
  const total = traffic.plan.backfill({ endAt, stepSeconds, historySeconds: input.historySeconds });
  const history = splitHistory({
    total,
    stepSeconds,
    table: input.table,
    mix: traffic.mix,
    traceTimeAt: (t) => traffic.plan.traceTimeAt(t - endAt),
    rng: input.rng,
  });
  await store.write(
    history.flatMap(({ origin, rps }) =>
      rps.map((point) => ({ origin, metric: "rps" as const, t: point.t, value: point.value })),
    ),
    endAt,
  );
  const times = history[0]?.rps.map((point) => point.t) ?? [];
  for (const spec of input.origins) {
    const samples = times.map((t) => ({
      t,
      sample: {
        at: new Date(t).toISOString(),
        replicas: spec.initialReplicas,
        capacityRps: spec.initialReplicas * spec.capacityPerReplicaRps,
      },
    }));
    await store.writeCapacityBatch(spec.id, samples, endAt);
  }
  return {
    origins: history.length,
    pointsPerOrigin: times.length,
    from: times[0] ?? endAt,
    to: times[times.length - 1] ?? endAt,
  };
}
