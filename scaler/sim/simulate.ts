import type { ModelKind, ScheduledEvent } from "../../contracts/index.ts";
import { seededRng } from "../../contracts/index.ts";
import type { Forecaster, ModelScore, TrainedSelection } from "../../predictor/models/index.ts";
import type { PolicyTuning } from "../policy/types.ts";
import { trainForecasters } from "../../predictor/models/index.ts";
import { awsPredictiveController } from "./aws-predictive.ts";
import { median, reactiveController, staticController } from "./baseline-controllers.ts";
import { forecastHistoryBuckets } from "./bucket-forecast.ts";
import type { MemoForecaster } from "./memo-forecaster.ts";
import { memoizeForecaster } from "./memo-forecaster.ts";
import { perfectForecaster } from "./perfect-forecast.ts";
import { forecastHorizon, predictiveController } from "./predictive-controller.ts";
import type { FleetSettings, ReplayResult } from "./replay.ts";
import { replayTrace } from "./replay.ts";
import type { LoadSeries } from "./trace-series.ts";
import { headSeries } from "./trace-series.ts";

/** The product's policy and the baselines every bench table shows. */
export const POLICIES = ["predictive", "reactive", "static"] as const;
/** Every policy a replay can run: those, and the AWS-style predictive baseline. */
export const REPLAY_POLICIES = [...POLICIES, "aws-predictive"] as const;
export type PolicyName = (typeof REPLAY_POLICIES)[number];

/** Knobs of a replay; every one has a default (see docs/scaling-policy.md). */
export type SimulateOptions = {
  /** Capacity of one replica in the trace's units per second; default: the trace's 95th
   * percentile / 10, so a typical peak needs about 14 replicas at 70 %. */
  rpsPerReplica?: number;
  bootSeconds: number;
  targetUtilization: number;
  minReplicas: number;
  maxReplicas: number;
  /** How far ahead the predictive policy acts; default: boot time + 60 s. */
  leadSeconds?: number;
  cooldownSeconds: number;
  intervalSeconds: number;
  tickSeconds: number;
  /** Utilisation above which a moment violates the SLO; default: the target utilisation. */
  violationUtilization?: number;
  /** Share of the trace the models train on; the replay (for every policy) covers the rest. */
  trainFraction: number;
  kinds?: readonly ModelKind[];
  /** LSTM training epochs (default: the predictor's own). */
  lstmEpochs?: number;
  seed: number;
  /** The forecast quantile the predictive policy sizes for (default: the policy's). */
  sizingQuantile?: number;
  /** Share of time the predictive policy may run above the target (default: the policy's);
   * 0 sizes at `sizingQuantile` throughout. */
  violationBudget?: number;
  /** The replay's SLO states this spend ceiling as its trade-off instead of a violation budget:
   * replica-minutes paid per replica-minute the load needs at the target. */
  spendCeiling?: number;
  /** Further policy knobs for the predictive replay (default: the policy's). */
  tuning?: Partial<PolicyTuning>;
  /** Scheduled events the predictive policy is told of, in the trace's time (their pool is the
   * replay's, REPLAY_POOL). */
  events?: readonly ScheduledEvent[];
};

export const DEFAULT_SIMULATE_OPTIONS: SimulateOptions = {
  bootSeconds: 300,
  targetUtilization: 0.7,
  minReplicas: 1,
  maxReplicas: 10_000,
  cooldownSeconds: 300,
  intervalSeconds: 30,
  tickSeconds: 15,
  trainFraction: 0.3,
  seed: 1,
};

/** The trace's 95th percentile / 10: the default capacity of one replica. */
export function defaultRpsPerReplica(series: LoadSeries): number {
  const sorted = [...series.values].sort((a, b) => a - b);
  const p95 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))] ?? 1;
  return Math.max(1e-6, p95 / 10);
}

/** Where the replay starts (the end of the training part) and the settings every policy shares. */
export function replayPlan(
  series: LoadSeries,
  options: SimulateOptions,
): { fromIndex: number; fleet: FleetSettings; leadSeconds: number; horizon: number } {
  const leadSeconds = options.leadSeconds ?? options.bootSeconds + 60;
  const horizon = forecastHorizon(leadSeconds, series.stepSeconds);
  const fromIndex = Math.floor(series.values.length * options.trainFraction);
  const minimum = 2 * horizon + 2;
  if (fromIndex < minimum)
    throw new RangeError(
      `the trace has ${series.values.length} points at ${series.stepSeconds} s: training on ${Math.round(options.trainFraction * 100)} % of it leaves ${fromIndex}, fewer than the ${minimum} a ${horizon}-step forecast needs`,
    );
  if (fromIndex >= series.values.length - 1)
    throw new RangeError(`--train-fraction ${options.trainFraction} leaves nothing of the trace to replay`);
  const fleet: FleetSettings = {
    rpsPerReplica: options.rpsPerReplica ?? defaultRpsPerReplica(series),
    bootSeconds: options.bootSeconds,
    targetUtilization: options.targetUtilization,
    minReplicas: options.minReplicas,
    maxReplicas: options.maxReplicas,
    violationUtilization: options.violationUtilization ?? options.targetUtilization,
    tickSeconds: options.tickSeconds,
  };
  return { fromIndex, fleet, leadSeconds, horizon };
}

/** Trains the predictor's models on the training part of the trace, as the predictor would. */
export async function trainOnHead(
  series: LoadSeries,
  options: SimulateOptions,
  onProgress?: (fraction: number, label: string) => void,
): Promise<TrainedSelection> {
  const { fromIndex, horizon } = replayPlan(series, options);
  return trainForecasters(headSeries(series, fromIndex), {
    horizon,
    now: () => series.start,
    rng: seededRng(options.seed),
    ...(options.kinds ? { kinds: options.kinds } : {}),
    ...(options.lstmEpochs !== undefined ? { lstm: { epochs: options.lstmEpochs } } : {}),
    ...(onProgress ? { onProgress } : {}),
  });
}

/** One memoizing wrapper per trained model: every replay handed the same training (the policy,
 * the AWS-style baseline at each target) shares its forecasts. */
const memos = new WeakMap<Forecaster, MemoForecaster>();

/** The best model of a training, wrapped so that all replays of it share one forecast per
 * history slice and horizon. */
export function sharedForecaster(selection: TrainedSelection): MemoForecaster {
  const known = memos.get(selection.best);
  if (known) return known;
  const memo = memoizeForecaster(selection.best);
  memos.set(selection.best, memo);
  return memo;
}

/** Replays the trace under one policy. The predictive ones need the models trained by
 * trainOnHead (passed in so several replays can share one training and its forecasts). */
export async function simulate(
  series: LoadSeries,
  policy: PolicyName,
  options: SimulateOptions,
  trained?: TrainedSelection,
): Promise<ReplayResult> {
  const { fromIndex, fleet } = replayPlan(series, options);
  if (policy === "static")
    return replayTrace(series, fromIndex, fleet, staticController(median(series.values), fleet));
  if (policy === "reactive") return replayTrace(series, fromIndex, fleet, reactiveController(fleet));
  const selection = trained ?? (await trainOnHead(series, options));
  const forecaster = sharedForecaster(selection);
  if (policy === "aws-predictive") {
    const { horizon } = replayPlan(series, options);
    return replayTrace(
      series,
      fromIndex,
      fleet,
      awsPredictiveController(series, forecaster, fleet, {
        historyBuckets: forecastHistoryBuckets(selection),
        horizon,
      }),
    );
  }
  const score: ModelScore | undefined = selection.scores[selection.best.kind];
  return replayPredictive(series, options, forecaster, score, forecastHistoryBuckets(selection));
}

/** Replays the trace under the predictive policy fed a perfect forecast (the trace's own
 * future, no band): what the policy costs when the forecast is not to blame. */
export function simulatePerfectForecast(series: LoadSeries, options: SimulateOptions): Promise<ReplayResult> {
  return replayPredictive(series, options, perfectForecaster(series), undefined, 1);
}

/** Replays the trace under the predictive policy with forecasts from `forecaster`, which sees the
 * last `historyBuckets` buckets at each refresh. */
function replayPredictive(
  series: LoadSeries,
  options: SimulateOptions,
  forecaster: Forecaster,
  score: ModelScore | undefined,
  historyBuckets: number,
): Promise<ReplayResult> {
  const { fromIndex, fleet, leadSeconds } = replayPlan(series, options);
  const tuning: Partial<PolicyTuning> = {
    evaluationSeconds: options.intervalSeconds,
    ...options.tuning,
    ...(options.sizingQuantile !== undefined ? { sizingQuantile: options.sizingQuantile } : {}),
    ...(options.violationBudget !== undefined ? { violationBudget: options.violationBudget } : {}),
  };
  return replayTrace(
    series,
    fromIndex,
    fleet,
    predictiveController(series, forecaster, score, fleet, {
      leadSeconds,
      cooldownSeconds: options.cooldownSeconds,
      intervalSeconds: options.intervalSeconds,
      historyBuckets,
      tuning,
      ...(options.spendCeiling !== undefined ? { spendCeiling: options.spendCeiling } : {}),
      ...(options.events ? { events: options.events } : {}),
    }),
  );
}
