import type { MetricName, SeriesWindow } from "../../../contracts/index.ts";

/** How the origin card names each series. */
const LABELS: Record<MetricName, string> = { rps: "load", p95_ms: "p95", error_rate: "errors", cpu: "cpu" };

/** One note of an origin card: a series that has no model, so no forecast, yet, and why. */
export type WaitingNote = { metric: MetricName; text: string; title: string };

/** The notes for an origin's series that wait for enough history to train ("load: waiting for
 * 100 points, have 42"), in the card's metric order; a series with a forecast has none. */
export function waitingNotes(
  windows: ReadonlyMap<MetricName, SeriesWindow>,
  forecasts: ReadonlyMap<MetricName, unknown>,
): WaitingNote[] {
  return (Object.keys(LABELS) as MetricName[]).flatMap((metric) => {
    const waiting = windows.get(metric)?.waiting;
    if (!waiting || forecasts.has(metric)) return [];
    return [
      {
        metric,
        text: `${LABELS[metric]}: ${waiting.reason}`,
        title: `No model yet: a series trains once it has ${waiting.need} observed points (the larger of the predictor's --min-train-points and 4 x horizon + 10); it had ${waiting.have} at the last attempt.`,
      },
    ];
  });
}
