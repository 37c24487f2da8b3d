import type { Forecast, OriginTable, ScheduledEvent, Slo } from "../../contracts/index.ts";
import type { Forecaster, ModelScore } from "../../predictor/models/index.ts";
import { evaluatePolicy } from "../policy/evaluate-policy.ts";
import type { OriginScaling, PolicyState, PolicyTuning } from "../policy/types.ts";
import { DEFAULT_TUNING, EMPTY_STATE } from "../policy/types.ts";
import type { FleetSettings, FleetView, ReplayController } from "./replay.ts";
import type { BucketForecast } from "./bucket-forecast.ts";
import { bucketForecasts } from "./bucket-forecast.ts";
import type { LoadSeries } from "./trace-series.ts";

/** The one pool of a replay (scheduled events given to a replay are this pool's). */
export const REPLAY_POOL = "sim";
const ORIGIN = "sim-1";

/** How the predictive replay runs the real policy. */
export type PredictiveSettings = {
  leadSeconds: number;
  cooldownSeconds: number;
  /** The scaler's evaluation interval. */
  intervalSeconds: number;
  tuning?: Partial<PolicyTuning>;
  /** The spend ceiling the replay's SLO states as its trade-off (default: none, so the violation
   * budget of `tuning`). */
  spendCeiling?: number;
  /** Buckets of history handed to the model at each forecast (bounded for speed). */
  historyBuckets: number;
  /** Scheduled events of the replay's pool, as the scaler would read them. */
  events?: readonly ScheduledEvent[];
};

/** Forecast steps needed to cover [now, now + lead + one step] from the latest full bucket. */
export function forecastHorizon(leadSeconds: number, stepSeconds: number): number {
  return Math.ceil(leadSeconds / stepSeconds) + 2;
}

/**
 * The production policy (evaluatePolicy) under replay: one pool with one origin, an SLO in act
 * mode, and a fresh forecast from the trained model each time a bucket of the trace completes,
 * exactly as the predictor refreshes forecasts each step. It also sees what the service sees:
 * the replicas serving and the load they serve now.
 */
export function predictiveController(
  series: LoadSeries,
  forecaster: Forecaster,
  score: ModelScore | undefined,
  fleet: FleetSettings,
  settings: PredictiveSettings,
): ReplayController {
  const stepMs = series.stepSeconds * 1000;
  const horizon = forecastHorizon(settings.leadSeconds, series.stepSeconds);
  const table: OriginTable = {
    version: 1,
    updatedAt: new Date(series.start).toISOString(),
    pools: [
      {
        name: REPLAY_POOL,
        location: { lat: 0, lon: 0 },
        origins: [{ id: ORIGIN, url: "http://127.0.0.1:1", weight: 100 }],
      },
    ],
  };
  const slo: Slo = {
    pool: REPLAY_POOL,
    mode: "act",
    targetUtilization: fleet.targetUtilization,
    leadSeconds: settings.leadSeconds,
    scaleInCooldownSeconds: settings.cooldownSeconds,
    ...(settings.spendCeiling !== undefined ? { spendCeiling: settings.spendCeiling } : {}),
  };
  const scaling: OriginScaling = {
    rpsPerReplica: fleet.rpsPerReplica,
    minReplicas: fleet.minReplicas,
    maxReplicas: fleet.maxReplicas,
    bootSeconds: fleet.bootSeconds,
  };
  const tuning: PolicyTuning = { ...DEFAULT_TUNING, ...settings.tuning };
  let state: PolicyState = structuredClone(EMPTY_STATE);
  let forecast: Forecast | undefined;
  let forecastFrom: BucketForecast | undefined;
  let nextEvaluation = Number.NEGATIVE_INFINITY;
  const forecasts = bucketForecasts(series, forecaster, settings.historyBuckets, horizon);

  async function refreshForecast(now: number): Promise<void> {
    const latest = await forecasts.latest(now);
    if (!latest || latest === forecastFrom) return;
    forecastFrom = latest;
    const { band } = latest;
    forecast = {
      origin: ORIGIN,
      metric: "rps",
      generatedAt: new Date(latest.generatedAt).toISOString(),
      start: new Date(series.start + latest.firstBucket * stepMs).toISOString(),
      stepSeconds: series.stepSeconds,
      mean: band.mean,
      lower: band.lower,
      upper: band.upper,
      model: { kind: forecaster.kind, version: forecaster.version, trainedAt: forecaster.trainedAt },
      accuracy: { mase: score?.mase ?? 0, smape: Math.min(200, score?.smape ?? 0), byModel: {} },
    };
  }

  return {
    initialReplicas: (load) => Math.ceil(load / (fleet.rpsPerReplica * fleet.targetUtilization) - 1e-9),
    async tick(view: FleetView) {
      if (view.now < nextEvaluation) return undefined;
      nextEvaluation = view.now + settings.intervalSeconds * 1000;
      await refreshForecast(view.now);
      const outcome = evaluatePolicy({
        now: view.now,
        table,
        slos: { [REPLAY_POOL]: slo },
        scaling: { [ORIGIN]: scaling },
        observations: {
          [ORIGIN]: {
            capacity: { replicas: view.serving },
            rps: view.served,
            ...(forecast ? { forecast } : {}),
          },
        },
        overlay: null,
        outcomes: {},
        state,
        tuning,
        ...(settings.events ? { events: settings.events } : {}),
      });
      state = outcome.state;
      return outcome.scale.find((call) => call.origin === ORIGIN)?.to;
    },
  };
}
