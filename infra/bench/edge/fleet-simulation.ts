import { BALANCING_DEFAULTS } from "../../../contracts/outlier-settings.ts";
import type { Rng } from "../../../contracts/random.ts";
import { seededRng } from "../../../contracts/random.ts";
import { buildCandidates } from "../../../edge/balancing/candidates.ts";
import type { LoadView, OriginLoad, PoolEstimate } from "../../../edge/balancing/load.ts";
import { unknownLoad } from "../../../edge/balancing/load.ts";
import { observeTry } from "../../../edge/balancing/origin-estimates.ts";
import { DEFAULT_DECAY_MS } from "../../../edge/balancing/peak-ewma.ts";
import type { BalancingStrategy } from "../../../edge/balancing/strategy.ts";
import { EventQueue } from "./event-queue.ts";

/** One origin of the simulated pool: its weight in the table and its capacity (a k-server FIFO
 * queue with exponential service times). */
export type FleetOrigin = { weight: number; workers: number; serviceMs: number };

/**
 * A pool served by a fleet of isolates, as on Cloudflare: Poisson arrivals, each going to one of
 * `isolates` isolates at random (so each sees an independent 1/N of them), every isolate with
 * its own balancer state, replaced after an exponential lifetime by a cold one whose first
 * request to each origin also pays a connection set-up. Optionally one origin is `slowFactor`
 * times slower during [slowFromMs, slowToMs), and one answers a 503 at once on `failShare` of
 * its requests.
 */
export type FleetScenario = {
  origins: FleetOrigin[];
  /** Share of the pool's capacity the arrivals use. */
  utilisation: number;
  durationMs: number;
  isolates: number;
  isolateLifetimeMs: number;
  connectMs: number;
  clientTimeoutMs: number;
  slow: { origin: number; factor: number; fromMs: number; toMs: number } | null;
  failing: { origin: number; share: number; answerMs: number } | null;
  seed: number;
};

export type FleetOutcome = {
  requests: number;
  /** Client-visible latency of every request (a timeout counts as the timeout). */
  latencies: Float64Array;
  /** Requests each origin was sent. */
  picks: Float64Array;
  /** Requests that failed at the client (a 503 or a timeout). */
  failed: number;
  toSlowDuringSlowdown: number;
  duringSlowdown: number;
  coldStarts: number;
};

type Isolate = {
  strategy: BalancingStrategy;
  view: LoadView;
  connected: Uint8Array;
  diesAt: number;
};
type Job = { origin: number; sentAt: number; done: boolean; isolate: Isolate };
type Event =
  | { kind: "arrival" }
  | { kind: "finish"; job: Job }
  | { kind: "fail"; job: Job }
  | { kind: "timeout"; job: Job };

function exponential(rng: Rng, mean: number): number {
  return -Math.log(1 - rng()) * mean;
}

/** Runs the scenario with one strategy (`make` builds each isolate's instance). */
export function simulateFleet(make: () => BalancingStrategy, scenario: FleetScenario): FleetOutcome {
  const rng = seededRng(scenario.seed);
  const pickRng = seededRng(scenario.seed ^ 0x5bd1e995);
  const origins = scenario.origins;
  const count = origins.length;
  const capacityPerMs = origins.reduce((sum, o) => sum + o.workers / o.serviceMs, 0);
  const meanGapMs = 1 / (capacityPerMs * scenario.utilisation);
  const members = origins.map((_, i) => i);
  const candidates = buildCandidates(
    members,
    origins.map((o) => o.weight),
    0,
  );
  const newIsolate = (now: number): Isolate => {
    const loads: OriginLoad[] = members.map(() => unknownLoad());
    const poolLatency: PoolEstimate[] = [{ ewmaMs: 0, ewmaAt: 0, samples: 0 }];
    return {
      strategy: make(),
      view: { loads, poolLatency, maxInFlight: 0, decayMs: DEFAULT_DECAY_MS, knobs: BALANCING_DEFAULTS },
      connected: new Uint8Array(count),
      diesAt: now + exponential(rng, scenario.isolateLifetimeMs),
    };
  };
  const isolates = Array.from({ length: scenario.isolates }, () => newIsolate(0));
  const busy = new Int32Array(count);
  const queues: { job: Job; extraMs: number }[][] = members.map(() => []);
  const picks = new Float64Array(count);
  const events = new EventQueue<Event>();
  const latencies: number[] = [];
  const outcome = { failed: 0, toSlow: 0, inSlowdown: 0, coldStarts: scenario.isolates, requests: 0 };
  const slow = scenario.slow;
  const failing = scenario.failing;

  const settle = (job: Job, now: number, rttMs: number | null, failed: boolean): void => {
    job.done = true;
    const view = job.isolate.view;
    const load = view.loads[job.origin];
    if (!load) return;
    load.inflight--;
    observeTry(load, view.poolLatency[0], { rttMs, failed }, now, view);
    latencies.push(now - job.sentAt);
    if (failed) outcome.failed++;
  };
  const start = (job: Job, now: number, extraMs: number): void => {
    busy[job.origin] = (busy[job.origin] ?? 0) + 1;
    const origin = origins[job.origin];
    const factor =
      slow !== null && job.origin === slow.origin && now >= slow.fromMs && now < slow.toMs ? slow.factor : 1;
    const mean = (origin?.serviceMs ?? 1) * factor;
    events.push(now + extraMs + exponential(rng, mean), { kind: "finish", job });
  };

  events.push(0, { kind: "arrival" });
  for (let event = events.pop(); event; event = events.pop()) {
    const now = event.time;
    const item = event.item;
    if (item.kind === "arrival") {
      if (now >= scenario.durationMs) continue;
      events.push(now + exponential(rng, meanGapMs), { kind: "arrival" });
      const slot = Math.floor(rng() * isolates.length);
      let isolate = isolates[slot] ?? newIsolate(now);
      if (now >= isolate.diesAt) {
        isolate = newIsolate(now);
        isolates[slot] = isolate;
        outcome.coldStarts++;
      }
      const origin = isolate.strategy.pick(candidates, isolate.view, { now, rng: pickRng, exclude: [] });
      outcome.requests++;
      picks[origin] = (picks[origin] ?? 0) + 1;
      const job: Job = { origin, sentAt: now, done: false, isolate };
      const load = isolate.view.loads[origin];
      if (load) load.inflight++;
      if (slow && now >= slow.fromMs && now < slow.toMs) {
        outcome.inSlowdown++;
        if (origin === slow.origin) outcome.toSlow++;
      }
      const extraMs = isolate.connected[origin] === 1 ? 0 : scenario.connectMs;
      isolate.connected[origin] = 1;
      if (failing && origin === failing.origin && rng() < failing.share) {
        events.push(now + extraMs + failing.answerMs, { kind: "fail", job });
        continue;
      }
      events.push(now + scenario.clientTimeoutMs, { kind: "timeout", job });
      if ((busy[origin] ?? 0) < (origins[origin]?.workers ?? 0)) start(job, now, extraMs);
      else queues[origin]?.push({ job, extraMs });
    } else if (item.kind === "finish") {
      const job = item.job;
      busy[job.origin] = (busy[job.origin] ?? 0) - 1;
      if (!job.done) settle(job, now, now - job.sentAt, false);
      const next = queues[job.origin]?.shift();
      if (next) start(next.job, now, next.extraMs);
    } else if (item.kind === "fail") {
      settle(item.job, now, null, true);
    } else if (!item.job.done) {
      settle(item.job, now, scenario.clientTimeoutMs, true);
    }
  }
  return {
    requests: outcome.requests,
    latencies: Float64Array.from(latencies),
    picks,
    failed: outcome.failed,
    toSlowDuringSlowdown: outcome.toSlow,
    duringSlowdown: outcome.inSlowdown,
    coldStarts: outcome.coldStarts,
  };
}
