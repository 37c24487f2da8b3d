import type { ModelKind } from "../../contracts/index.ts";
import type { TrainedSelection } from "../../predictor/models/index.ts";
import type { CurveComparison, CurvePoint, Frontier, SpendPoint } from "./frontier.ts";
import { awsFrontier, compareToCurve, reactiveFrontier } from "./frontier.ts";
import type { SimulateOptions } from "./simulate.ts";
import { sharedForecaster, simulate } from "./simulate.ts";
import type { ReplayResult } from "./replay.ts";
import type { LoadSeries } from "./trace-series.ts";

/** A baseline's curve and the policy's point read against it. */
export type BaselineReading = { curve: CurvePoint[]; extended: boolean } & CurveComparison;

/** What `simulate --frontier` prints, less the trace's name (see docs/scaling-policy.md). */
export type FrontierReport = {
  violationUtilization: number;
  policy: SpendPoint;
  reactive: BaselineReading;
  awsPredictive: BaselineReading;
  model: { kind: ModelKind; forecastRequests: number; forecastCacheHitRate: number };
};

/**
 * Replays the product's policy with `options` (unless `replayed` is that replay already), then
 * the reactive and the AWS-style frontiers (violations counted at the SLO's utilisation), all on
 * one training whose forecasts they share, and reads the policy's point against each frontier.
 */
export async function frontierReport(
  series: LoadSeries,
  options: SimulateOptions,
  trained: TrainedSelection,
  replayed?: ReplayResult,
): Promise<FrontierReport> {
  const { report } = replayed ?? (await simulate(series, "predictive", options, trained));
  const policy: SpendPoint = {
    replicaMinutes: report.replicaMinutes,
    sloViolationMinutes: report.sloViolationMinutes,
  };
  const reactive = await reactiveFrontier(series, options, policy);
  const aws = await awsFrontier(series, options, trained, policy);
  const stats = sharedForecaster(trained).stats();
  return {
    violationUtilization: options.violationUtilization ?? options.targetUtilization,
    policy,
    reactive: reading(reactive, policy),
    awsPredictive: reading(aws, policy),
    model: {
      kind: trained.best.kind,
      forecastRequests: stats.requests,
      forecastCacheHitRate: Math.round(stats.hitRate * 1000) / 1000,
    },
  };
}

function reading(frontier: Frontier, policy: SpendPoint): BaselineReading {
  return { curve: frontier.curve, extended: frontier.extended, ...compareToCurve(frontier.curve, policy) };
}
