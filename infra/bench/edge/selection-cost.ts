import { seededRng } from "../../../contracts/random.ts";
import { buildCandidates } from "../../../edge/balancing/candidates.ts";
import { BALANCING_DEFAULTS } from "../../../contracts/outlier-settings.ts";
import type { LoadView } from "../../../edge/balancing/load.ts";
import { unknownLoad } from "../../../edge/balancing/load.ts";
import type { BalancingStrategy } from "../../../edge/balancing/strategy.ts";

/** Nanoseconds per pick over a pool of `size` origins with random weights, latencies and
 * in-flight counts (median of five timed rounds, after a warm-up). */
export function selectionCostNs(strategy: BalancingStrategy, size: number, picks: number): number {
  const rng = seededRng(size);
  const members = Array.from({ length: size }, (_, i) => i);
  const candidates = buildCandidates(
    members,
    members.map(() => 1 + Math.floor(rng() * 1000)),
    0,
  );
  const now = 1_000_000;
  const view: LoadView = {
    loads: members.map(() => {
      const latencyMs = 5 + rng() * 50;
      const at = now - rng() * 5_000;
      const tries = 1 + Math.floor(rng() * 50);
      return {
        ...unknownLoad(),
        inflight: Math.floor(rng() * 8),
        ewmaMs: latencyMs,
        ewmaAt: at,
        smoothMs: latencyMs,
        smoothAt: at,
        samples: tries,
        tries,
        failures: Math.floor(rng() * tries * 0.2),
        outcomesAt: at,
      };
    }),
    poolLatency: [{ ewmaMs: 25, ewmaAt: now }],
    maxInFlight: 1_000,
    decayMs: 10_000,
    knobs: BALANCING_DEFAULTS,
  };
  const context = { now, rng, exclude: [] as number[] };
  let sink = 0;
  for (let i = 0; i < Math.min(picks, 50_000); i++) sink += strategy.pick(candidates, view, context);
  const rounds: number[] = [];
  for (let round = 0; round < 5; round++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < picks; i++) sink += strategy.pick(candidates, view, context);
    rounds.push(Number(process.hrtime.bigint() - started) / picks);
  }
  if (sink === -Infinity) throw new Error("unreachable: keeps the picks from being optimised away");
  rounds.sort((a, b) => a - b);
  return rounds[2] ?? Number.NaN;
}
