import type { Forecaster } from "../../predictor/models/index.ts";
import { reactiveController } from "./baseline-controllers.ts";
import type { BucketForecast } from "./bucket-forecast.ts";
import { bucketForecasts } from "./bucket-forecast.ts";
import type { FleetSettings, FleetView, ReplayController } from "./replay.ts";
import type { LoadSeries } from "./trace-series.ts";

const HOUR_MS = 3_600_000;

/** How the AWS-style baseline forecasts: the same history slice and horizon as the product's
 * policy (so a memoizing forecaster serves both from one forecast). */
export type AwsPredictiveSettings = { historyBuckets: number; horizon: number };

/**
 * A baseline modelled on EC2 Auto Scaling predictive scaling ("forecast and scale") combined with
 * target tracking at the same target, as docs/scaling-policy.md describes:
 * - each clock hour gets a minimum capacity, ceil(peak forecast load in the hour / (capacity per
 *   replica x target)), from the model's mean forecast (a point forecast, as AWS uses), fixed
 *   when it is scheduled: a boot time before the hour starts (the scheduling buffer);
 * - in the buffer before an hour the minimum is the larger of the two hours' (the earlier
 *   launch only adds capacity), and predictive scaling never scales in by itself: a lower
 *   minimum only lets target tracking scale in;
 * - target tracking is the reactive baseline (the HPA), and the fleet runs at the larger of the
 *   two.
 * The forecast is refreshed each time a bucket completes; when its horizon ends before the hour
 * being scheduled does, it is extended recursively (its mean appended to the history and
 * forecast again), the standard way to stretch a model trained for a shorter horizon.
 */
export function awsPredictiveController(
  series: LoadSeries,
  forecaster: Forecaster,
  fleet: FleetSettings,
  settings: AwsPredictiveSettings,
): ReplayController {
  const stepMs = series.stepSeconds * 1000;
  const bootMs = fleet.bootSeconds * 1000;
  const perReplica = fleet.rpsPerReplica * fleet.targetUtilization;
  const forecasts = bucketForecasts(series, forecaster, settings.historyBuckets, settings.horizon);
  const reactive = reactiveController(fleet);
  const floors = new Map<number, number>();

  /** Mean forecast load of every bucket from the forecast's first through `lastBucket`. */
  async function meansThrough(latest: BucketForecast, lastBucket: number): Promise<number[]> {
    const means = [...latest.band.mean];
    const length = latest.history.values.length;
    let values = latest.history.values;
    while (latest.firstBucket + means.length <= lastBucket) {
      values = [...values, ...means.slice(-settings.horizon)].slice(-length);
      // The extended history ends just before the first bucket not yet forecast.
      const start = series.start + (latest.firstBucket + means.length - length) * stepMs;
      const band = await forecaster.forecast(
        { start, stepSeconds: series.stepSeconds, values },
        settings.horizon,
      );
      if (band.mean.length === 0) break;
      means.push(...band.mean);
    }
    return means;
  }

  /** The minimum capacity of clock hour `hour` (hours since the epoch), scheduled on first use. */
  async function floorOf(hour: number, now: number): Promise<number> {
    const known = floors.get(hour);
    if (known !== undefined) return known;
    const latest = await forecasts.latest(now);
    if (!latest) return 0;
    const firstBucket = Math.max(latest.firstBucket, Math.floor((hour * HOUR_MS - series.start) / stepMs));
    const lastBucket = Math.ceil(((hour + 1) * HOUR_MS - series.start) / stepMs) - 1;
    const means = await meansThrough(latest, lastBucket);
    const peak = Math.max(
      0,
      ...means.slice(firstBucket - latest.firstBucket, lastBucket - latest.firstBucket + 1),
    );
    const floor = Math.ceil(peak / perReplica - 1e-9);
    floors.set(hour, floor);
    return floor;
  }

  return {
    initialReplicas: (load) => reactive.initialReplicas(load),
    async tick(view: FleetView) {
      const proposal = await reactive.tick(view);
      const floor = Math.max(
        await floorOf(Math.floor(view.now / HOUR_MS), view.now),
        await floorOf(Math.floor((view.now + bootMs) / HOUR_MS), view.now),
      );
      if (proposal !== undefined) return Math.max(proposal, floor);
      return floor > view.desired ? floor : undefined;
    },
  };
}
