import type { Rng } from "../../contracts/index.ts";
import type { Scheduler } from "../simulator/scheduler.ts";
import { forkRng } from "../traces/random-variates.ts";
import { PoissonArrivals } from "./arrivals.ts";
import { geoHeader } from "./cities.ts";
import type { ClientMix } from "./client-mix.ts";
import type { Sender } from "./http-sender.ts";
import type { RatePlan } from "./rate-plan.ts";
import type { StatsSnapshot } from "./replay-stats.ts";
import { ReplayStats } from "./replay-stats.ts";

/** What a live line or a final summary reports. */
export type ReplayProgress = StatsSnapshot & {
  elapsedMs: number;
  traceTime: number;
  targetRps: number;
  interval: ReturnType<ReplayStats["takeInterval"]>;
};

/** A replay in progress. */
export type Replay = {
  stats: ReplayStats;
  /** Resolves when the plan has been played and every request has settled (or after stop()). */
  done: Promise<ReplayProgress>;
  /** Stops sending at once; requests in flight still settle before `done` resolves. */
  stop(): void;
  /** Counters now, starting a new interval window. */
  progress(): ReplayProgress;
};

export type ReplayOptions = {
  plan: RatePlan;
  mix: ClientMix;
  send: Sender;
  scheduler: Scheduler;
  rng: Rng;
  /** Most requests in flight; arrivals beyond it are dropped and counted as `capped`. */
  concurrency: number;
  /** Request path (default "/"). */
  path?: string;
  /** How often due arrivals are dispatched, in ms (default 5). */
  tickMs?: number;
  /** Called every `reportEveryMs` of (scheduler) time with the counters. */
  onProgress?: (progress: ReplayProgress) => void;
  reportEveryMs?: number;
};

/**
 * Plays a rate plan as open-loop Poisson arrivals: each arrival picks a client city (the mix at
 * that trace time), is sent with the `x-lb-geo` header, and counted. Arrival times come from
 * their own random stream, so the same seed sends the same requests whatever the tick.
 */
export function startReplay(options: ReplayOptions): Replay {
  const { plan, mix, send, scheduler, concurrency } = options;
  const tickMs = options.tickMs ?? 5;
  const path = options.path ?? "/";
  const stats = new ReplayStats();
  const arrivals = new PoissonArrivals({
    rateAt: (t) => plan.rateAt(t),
    maxRate: plan.options.peakRps,
    rng: forkRng(options.rng),
    endMs: plan.durationMs,
  });
  const mixRng = forkRng(options.rng);
  const startedAt = scheduler.now();
  let stopped = false;
  let finished = false;
  let cancelTick = (): void => undefined;
  let cancelReport = (): void => undefined;
  let finish: (progress: ReplayProgress) => void = () => undefined;
  const done = new Promise<ReplayProgress>((resolve) => {
    finish = resolve;
  });

  const progress = (): ReplayProgress => {
    const elapsedMs = scheduler.now() - startedAt;
    return {
      ...stats.snapshot(),
      elapsedMs,
      traceTime: plan.traceTimeAt(Math.min(elapsedMs, plan.durationMs)),
      targetRps: plan.rateAt(elapsedMs),
      interval: stats.takeInterval(),
    };
  };
  const settleIfDone = (): void => {
    if (!finished && (stopped || arrivals.peek() === Number.POSITIVE_INFINITY) && stats.inFlight === 0) {
      finished = true;
      cancelReport();
      finish(progress());
    }
  };
  const dispatch = (at: number): void => {
    if (stats.inFlight >= concurrency) {
      stats.recordCapped();
      return;
    }
    const city = mix.pick(mixRng, plan.traceTimeAt(at));
    stats.recordSent(city.name);
    void send({ path, headers: { "x-lb-geo": geoHeader(city) } }).then((result) => {
      stats.recordResult(result);
      settleIfDone();
    });
  };
  const tick = (): void => {
    const elapsed = scheduler.now() - startedAt;
    while (!stopped && arrivals.peek() <= elapsed) dispatch(arrivals.take());
    if (stopped || arrivals.peek() === Number.POSITIVE_INFINITY) {
      settleIfDone();
      return;
    }
    cancelTick = scheduler.setTimer(tickMs, tick);
  };
  const report = (): void => {
    options.onProgress?.(progress());
    cancelReport = scheduler.setTimer(options.reportEveryMs ?? 5000, report);
  };
  if (options.onProgress) cancelReport = scheduler.setTimer(options.reportEveryMs ?? 5000, report);
  tick();
  return {
    stats,
    done,
    progress,
    stop() {
      stopped = true;
      cancelTick();
      settleIfDone();
    },
  };
}
