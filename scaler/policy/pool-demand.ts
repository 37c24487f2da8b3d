import type { ScheduledEvent } from "../../contracts/index.ts";
import { eventOverlaps } from "../../contracts/index.ts";
import { peakAtQuantile } from "./forecast-peak.ts";
import type { OriginView } from "./origin-view.ts";
import type { DemandSource } from "./reasons.ts";
import type { PolicyTuning } from "./types.ts";

/** A pool's load estimate over a time range: the requests per second offered to the pool (its
 * origins' load plus what is spilled away now), and what drove the estimate. */
export type PoolDemand = { total: number; source: DemandSource; forecastMissing: string[] };

/**
 * The load a pool must be ready for over [fromMs, toMs): the larger of the summed forecast peaks,
 * each read at its origin's sizing quantile (the policy's `sizingQuantile` for an origin without one)
 * with the band no wider than `bandCap` of the mean, and the load observed
 * now. The forecast lets the policy act before the load arrives;
 * the observed load guards against a forecast that misses, as AWS predictive scaling pairs its
 * forecast with a reactive policy. Spilled traffic does not reach the pool's origins, so both are
 * divided by (1 - current spill) to estimate what the pool is offered. (A forecast made before a
 * spill began already stands for the whole offered load, so for the few minutes until the models
 * see the spilled level this over-estimates, erring toward capacity.) A scheduled event of the
 * pool that covers some of the range raises the estimate to the load it expects (offered to the
 * pool, so not scaled by the spill): what the operator knows and the forecast cannot.
 */
export function poolDemand(
  views: readonly OriginView[],
  fromMs: number,
  toMs: number,
  now: number,
  currentSpill: number,
  reading: Pick<PolicyTuning, "sizingQuantile" | "bandCap">,
  events: readonly ScheduledEvent[] = [],
): PoolDemand | undefined {
  let forecastSum = 0;
  let observedSum = 0;
  let anyForecast = false;
  let anyObserved = false;
  let peakAt = fromMs;
  let largest = -1;
  const forecastMissing: string[] = [];
  for (const view of views) {
    const observed = view.observation.rps;
    if (observed !== undefined) {
      observedSum += observed;
      anyObserved = true;
    }
    const peak = view.observation.forecast
      ? peakAtQuantile(
          view.observation.forecast,
          fromMs,
          toMs,
          view.sizingQuantile ?? reading.sizingQuantile,
          reading.bandCap,
        )
      : undefined;
    if (peak) {
      anyForecast = true;
      forecastSum += peak.value;
      if (peak.value > largest) {
        largest = peak.value;
        peakAt = peak.at;
      }
    } else {
      forecastMissing.push(view.id);
      forecastSum += observed ?? 0;
    }
  }
  const event = largestEvent(events, fromMs, toMs);
  if (!anyForecast && !anyObserved && !event) return undefined;
  const scale = 1 / (1 - Math.min(0.99, Math.max(0, currentSpill)));
  const useForecast = anyForecast && forecastSum >= observedSum;
  const total = (useForecast ? forecastSum : observedSum) * scale;
  if (event && event.expectedRps > total)
    return {
      total: event.expectedRps,
      source: {
        kind: "event",
        value: event.expectedRps,
        at: Math.max(fromMs, Date.parse(event.start)),
        event,
      },
      forecastMissing,
    };
  const source: DemandSource = useForecast
    ? { kind: "forecast", value: total, at: peakAt }
    : { kind: "observed", value: total, at: now };
  return { total, source, forecastMissing };
}

/** The event expecting the most load among those covering some of [fromMs, toMs). */
function largestEvent(
  events: readonly ScheduledEvent[],
  fromMs: number,
  toMs: number,
): ScheduledEvent | undefined {
  let largest: ScheduledEvent | undefined;
  for (const event of events)
    if (eventOverlaps(event, fromMs, toMs) && (!largest || event.expectedRps > largest.expectedRps))
      largest = event;
  return largest;
}
