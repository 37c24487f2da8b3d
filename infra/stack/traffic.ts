import type { TracePoint } from "../../contracts/index.ts";
import { seededRng } from "../../contracts/index.ts";
import { WORLD_CITIES } from "../replayer/cities.ts";
import type { ClientMix } from "../replayer/client-mix.ts";
import { createClientMix } from "../replayer/client-mix.ts";
import type { OutboundRequest, Sender } from "../replayer/http-sender.ts";
import { createHttpSender } from "../replayer/http-sender.ts";
import { RatePlan } from "../replayer/rate-plan.ts";
import type { SendResult } from "../replayer/replay-stats.ts";
import type { Replay, ReplayProgress } from "../replayer/replayer.ts";
import { startReplay } from "../replayer/replayer.ts";
import { defaultReplayStart, loadTrace } from "../replayer/trace-source.ts";
import { realScheduler } from "../simulator/scheduler.ts";
import { DEFAULT_TRACE_START } from "../traces/trace-options.ts";
import type { StackSettings } from "./stack-options.ts";

const DAY_MS = 86_400_000;

/** The demo traffic, planned but not yet sent: the trace, how it maps onto real time, and who
 * the clients are. */
export type TrafficPlan = { plan: RatePlan; mix: ClientMix; description: string };

/** Demo traffic being sent. */
export type Traffic = {
  replay: Replay;
  /** The plan being played (the trace resumed where the history ended). */
  plan: RatePlan;
  /** Real time (epoch ms) the replay started at: the end of the backfilled history. */
  startedAt: number;
  stop(): Promise<ReplayProgress>;
};

/** Where a replay starts when not told: for the generated trace, a Tuesday 04:00 UTC (8 days
 * in), so that the history before it holds a weekday to forecast from and the European morning
 * ramp arrives a couple of real minutes in; otherwise the replayer's own default. */
export function defaultStackStart(points: readonly TracePoint[], generated: boolean): number {
  if (
    generated &&
    (points[0]?.t ?? 0) === DEFAULT_TRACE_START &&
    (points[points.length - 1]?.t ?? 0) >= DEFAULT_TRACE_START + 8 * DAY_MS + 4 * 3_600_000
  ) {
    return DEFAULT_TRACE_START + 8 * DAY_MS + 4 * 3_600_000;
  }
  return defaultReplayStart(points);
}

/** Loads (or generates) the trace and plans its replay; a bad CSV or start fails here, before
 * any process starts. */
export async function planTraffic(settings: StackSettings): Promise<TrafficPlan> {
  const trace = settings.trace;
  const loaded =
    trace.kind === "points"
      ? { points: trace.points, description: trace.description }
      : await loadTrace(
          trace.kind === "csv"
            ? { csv: trace.file, ...(trace.column !== undefined ? { column: trace.column } : {}) }
            : {
                generate: { days: trace.days, flashCrowds: trace.flashCrowds },
                rng: seededRng(settings.seed),
              },
        );
  const plan = new RatePlan(loaded.points, {
    speed: settings.speed,
    peakRps: settings.peakRps,
    startAt: settings.startAt ?? defaultStackStart(loaded.points, trace.kind === "generated"),
    loop: settings.loop,
    ...(settings.durationSeconds !== undefined ? { durationMs: settings.durationSeconds * 1000 } : {}),
  });
  return { plan, mix: createClientMix(WORLD_CITIES, { followSun: true }), description: loaded.description };
}

/**
 * Starts sending the planned traffic to the Worker, open loop, from clients around the world.
 * The plan's real time 0 is `historyEnd` (where the written history stops); starting later
 * resumes the trace where it would be by now, so the series the predictor sees stays in phase.
 */
export function startTraffic(
  traffic: TrafficPlan,
  target: string,
  settings: Pick<StackSettings, "seed" | "replayConcurrency">,
  historyEnd: number,
  onFailure?: (line: string) => void,
): Traffic {
  const startedAt = Date.now();
  const late = Math.max(0, startedAt - historyEnd);
  const plan =
    late === 0
      ? traffic.plan
      : new RatePlan(traffic.plan.points, {
          ...traffic.plan.options,
          startAt: traffic.plan.traceTimeAt(late),
        });
  // Well under the 5 s after which wrangler dev closes an idle connection (see createHttpSender).
  const sender = createHttpSender({
    target,
    connections: settings.replayConcurrency,
    timeoutMs: 10_000,
    keepAliveTimeoutMs: 2_000,
  });
  const report = failureReporter(onFailure ?? (() => undefined));
  const send: Sender = async (request) => {
    const result = await sender(request);
    if (!result.ok) report(result, request);
    return result;
  };
  const replay = startReplay({
    plan,
    mix: traffic.mix,
    send,
    scheduler: realScheduler(),
    rng: seededRng(settings.seed),
    concurrency: settings.replayConcurrency,
  });
  let stopping: Promise<ReplayProgress> | null = null;
  return {
    replay,
    plan,
    startedAt,
    stop: () =>
      (stopping ??= (async () => {
        replay.stop();
        const summary = await replay.done;
        await sender.close();
        return summary;
      })()),
  };
}

/** Reports failed requests as they happen, at most one line a second (with how many more), so
 * a failing Worker is visible without flooding the console. */
function failureReporter(
  write: (line: string) => void,
): (result: Exclude<SendResult, { ok: true }>, request: OutboundRequest) => void {
  let lastAt = 0;
  let suppressed = 0;
  return (result, request) => {
    const now = Date.now();
    if (now - lastAt < 1_000) {
      suppressed++;
      return;
    }
    lastAt = now;
    const more = suppressed > 0 ? ` (and ${suppressed} more since the last report)` : "";
    suppressed = 0;
    write(
      `request from ${request.headers["x-lb-geo"] ?? "?"} failed: ${result.kind}${result.status !== undefined ? ` ${result.status}` : ""}${result.message !== undefined ? `: ${result.message}` : ""} after ${Math.round(result.latencyMs)} ms${more}`,
    );
  };
}
