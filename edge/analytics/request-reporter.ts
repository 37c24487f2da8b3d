import type { AnalyticsDataPoint, RequestAnalytics } from "../../contracts/edge-analytics.ts";
import { requestDataPoint } from "../../contracts/edge-analytics.ts";

/** The Analytics Engine binding as the Worker uses it. */
export type AnalyticsDataset = { writeDataPoint(point: AnalyticsDataPoint): void };

/** Reports one request to the fleet-wide analytics (never throws, never waits). */
export type RequestReporter = (request: RequestAnalytics) => void;

/** Does nothing: the Worker without an ANALYTICS binding. */
const unreported: RequestReporter = () => undefined;

/**
 * Writes one data point per request to the ANALYTICS dataset. `writeDataPoint` returns at once
 * (the runtime ships the point after the response), so nothing is awaited; a write that throws
 * (a malformed point, a binding gone wrong) is counted through `onFailure` and never reaches the
 * request, which has been answered either way.
 */
export function requestReporter(
  dataset: AnalyticsDataset | undefined,
  onFailure: (error: unknown) => void,
): RequestReporter {
  if (!dataset) return unreported;
  return (request) => {
    try {
      dataset.writeDataPoint(requestDataPoint(request));
    } catch (error) {
      onFailure(error);
    }
  };
}
