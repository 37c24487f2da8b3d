import type { Rng } from "../../../contracts/random.ts";
import { seededRng } from "../../../contracts/random.ts";
import { buildCandidates } from "../../../edge/balancing/candidates.ts";
import { BALANCING_DEFAULTS } from "../../../contracts/outlier-settings.ts";
import type { LatencyEstimate, LoadView, OriginLoad } from "../../../edge/balancing/load.ts";
import { unknownLoad } from "../../../edge/balancing/load.ts";
import { observeTry } from "../../../edge/balancing/origin-estimates.ts";
import { DEFAULT_DECAY_MS } from "../../../edge/balancing/peak-ewma.ts";
import type { BalancingStrategy } from "../../../edge/balancing/strategy.ts";
import { EventQueue } from "./event-queue.ts";

/** A pool of origins, each a k-server FIFO queue with exponential service times, fed by Poisson
 * arrivals; the one slow origin's service time is multiplied during [slowFrom, slowTo). */
export type PoolScenario = {
  origins: number;
  workersPerOrigin: number;
  serviceMs: number;
  /** Share of the pool's capacity the arrivals use. */
  utilisation: number;
  durationMs: number;
  slowFactor: number;
  slowFromMs: number;
  slowToMs: number;
  clientTimeoutMs: number;
  seed: number;
};

export type PoolOutcome = {
  requests: number;
  succeeded: number;
  latencies: Float64Array;
  toSlowDuringSlowdown: number;
  duringSlowdown: number;
};

type Job = { id: number; origin: number; sentAt: number; done: boolean };
type Event = { kind: "arrival" } | { kind: "finish"; job: Job } | { kind: "timeout"; job: Job };

function exponential(rng: Rng, mean: number): number {
  return -Math.log(1 - rng()) * mean;
}

/** Runs the scenario with one strategy; the balancer learns only from what a client sees:
 * answers (latency) and timeouts (counted at the client timeout), as the Worker does. */
export function simulatePool(strategy: BalancingStrategy, scenario: PoolScenario): PoolOutcome {
  const rng = seededRng(scenario.seed);
  const pickRng = seededRng(scenario.seed ^ 0x5bd1e995);
  const capacityPerMs = (scenario.origins * scenario.workersPerOrigin) / scenario.serviceMs;
  const meanGapMs = 1 / (capacityPerMs * scenario.utilisation);
  const members = Array.from({ length: scenario.origins }, (_, i) => i);
  const candidates = buildCandidates(
    members,
    members.map(() => 100),
    0,
  );
  const loads: OriginLoad[] = members.map(() => unknownLoad());
  const poolLatency: LatencyEstimate[] = [{ ewmaMs: 0, ewmaAt: 0 }];
  const view: LoadView = {
    loads,
    poolLatency,
    maxInFlight: 0,
    decayMs: DEFAULT_DECAY_MS,
    knobs: BALANCING_DEFAULTS,
  };
  const busy = new Int32Array(scenario.origins);
  const queues: Job[][] = members.map(() => []);
  const events = new EventQueue<Event>();
  const latencies: number[] = [];
  let succeeded = 0;
  let toSlow = 0;
  let inSlowdown = 0;
  let nextId = 0;

  const settle = (job: Job, now: number, latency: number, timedOut: boolean): void => {
    job.done = true;
    const load = loads[job.origin];
    const pool = poolLatency[0];
    if (!load || !pool) return;
    load.inflight--;
    observeTry(load, pool, { rttMs: latency, failed: timedOut }, now, view);
    latencies.push(latency);
  };
  const start = (job: Job, now: number): void => {
    busy[job.origin] = (busy[job.origin] ?? 0) + 1;
    const slow = job.origin === 0 && now >= scenario.slowFromMs && now < scenario.slowToMs;
    events.push(now + exponential(rng, scenario.serviceMs * (slow ? scenario.slowFactor : 1)), {
      kind: "finish",
      job,
    });
  };

  events.push(0, { kind: "arrival" });
  for (let event = events.pop(); event; event = events.pop()) {
    const now = event.time;
    const item = event.item;
    if (item.kind === "arrival") {
      if (now >= scenario.durationMs) continue;
      events.push(now + exponential(rng, meanGapMs), { kind: "arrival" });
      const origin = strategy.pick(candidates, view, { now, rng: pickRng, exclude: [] });
      const job: Job = { id: nextId++, origin, sentAt: now, done: false };
      const load = loads[origin];
      if (load) load.inflight++;
      if (now >= scenario.slowFromMs && now < scenario.slowToMs) {
        inSlowdown++;
        if (origin === 0) toSlow++;
      }
      events.push(now + scenario.clientTimeoutMs, { kind: "timeout", job });
      if ((busy[origin] ?? 0) < scenario.workersPerOrigin) start(job, now);
      else queues[origin]?.push(job);
    } else if (item.kind === "finish") {
      const job = item.job;
      busy[job.origin] = (busy[job.origin] ?? 0) - 1;
      if (!job.done) {
        settle(job, now, now - job.sentAt, false);
        succeeded++;
      }
      const next = queues[job.origin]?.shift();
      if (next) start(next, now);
    } else if (!item.job.done) {
      settle(item.job, now, scenario.clientTimeoutMs, true);
    }
  }
  return {
    requests: nextId,
    succeeded,
    latencies: Float64Array.from(latencies),
    toSlowDuringSlowdown: toSlow,
    duringSlowdown: inSlowdown,
  };
}

/** The q-quantile (0..1) of sorted values. */
export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}
