import type { RegularSeries, SeriesWindow, Slo } from "../../../contracts/index.ts";
import type { ReviewAccuracy } from "../../forecasting/forecast-review.ts";
import { reviewForecasts } from "../../forecasting/forecast-review.ts";
import type { PastForecast } from "../../store/forecast-history.ts";
import type { BandPt, Pt } from "./chart-data.ts";
import { capacityPoints, constantLine, scaled, sumSteps, windowPoints } from "./chart-data.ts";
import type { LineSpec, PanelSpec } from "./chart-options.ts";
import { COLORS, extendStep, lineNames } from "./live-panels.ts";
import type { OriginData } from "./origin-data.ts";

/** The observed values of several windows added up, on their common grid (null where every one
 * is a gap); null when the windows do not share a grid. */
export function sumWindows(windows: readonly SeriesWindow[]): RegularSeries | null {
  const first = windows[0];
  if (!first || windows.some((w) => w.start !== first.start || w.stepSeconds !== first.stepSeconds))
    return null;
  const length = Math.max(...windows.map((w) => w.values.length));
  const values = Array.from({ length }, (_, i) =>
    windows.reduce<number | null>((sum, w) => {
      const v = w.values[i];
      return v === null || v === undefined ? sum : (sum ?? 0) + v;
    }, null),
  );
  return { start: Date.parse(first.start), stepSeconds: first.stepSeconds, values };
}

/** The time of an origin's first observed load or remembered forecast (null: none): a review
 * window longer than the data starts there, not in an empty stretch. */
export function firstDataTime(d: OriginData): number | null {
  const observed = windowPoints(d.windows.get("rps")).find(([, v]) => v !== null)?.[0];
  const remembered = d.history.get("rps")?.points[0]?.t;
  const times = [observed, remembered].filter((t): t is number => t !== undefined);
  return times.length > 0 ? Math.min(...times) : null;
}

/** The pool's remembered load forecasts added up, at the times every origin has one. */
export function sumPastForecasts(all: readonly OriginData[]): PastForecast[] {
  const byTime = new Map<number, { p: PastForecast; count: number }>();
  for (const d of all) {
    for (const p of d.history.get("rps")?.points ?? []) {
      const s = byTime.get(p.t);
      byTime.set(
        p.t,
        s
          ? {
              p: { ...s.p, mean: s.p.mean + p.mean, lower: s.p.lower + p.lower, upper: s.p.upper + p.upper },
              count: s.count + 1,
            }
          : { p: { t: p.t, mean: p.mean, lower: p.lower, upper: p.upper, model: p.model }, count: 1 },
      );
    }
  }
  return [...byTime.values()]
    .filter((s) => s.count === all.length)
    .map((s) => s.p)
    .sort((a, b) => a.t - b.t);
}

/** How the pool's summed load forecast fared (null without data). */
export function poolAccuracy(all: readonly OriginData[], leadSteps: number): ReviewAccuracy | null {
  const windows = all.map((d) => d.windows.get("rps")).filter((w): w is SeriesWindow => w !== undefined);
  const actual = windows.length === all.length ? sumWindows(windows) : null;
  if (!actual) return null;
  return reviewForecasts(sumPastForecasts(all), actual, leadSteps).accuracy;
}

const pastLayers = (points: readonly { t: number; mean: number; lower: number; upper: number }[]) => ({
  mean: points.map((p): Pt => [p.t, p.mean]),
  band: points.map((p): BandPt => ({ t: p.t, lower: p.lower, upper: p.upper })),
});

function reviewPanel(
  title: string,
  unit: string,
  actual: Pt[],
  past: ReturnType<typeof pastLayers>,
  extra: LineSpec[],
  leadText: string,
  weight: number,
): PanelSpec {
  const names = lineNames(leadText);
  return {
    title,
    unit,
    weight,
    bands: [{ name: names.pastBand, points: past.band, color: COLORS.past, opacity: 0.16 }],
    lines: [
      ...extra,
      { name: names.past, points: past.mean, color: COLORS.past, style: "dashed", width: 1.5 },
      { name: names.actual, points: actual, color: COLORS.actual, width: 1.6 },
    ],
  };
}

function capacityLines(capacity: Pt[], slo: Slo | null, to: number, leadText: string): LineSpec[] {
  const names = lineNames(leadText);
  const lines: LineSpec[] = [
    { name: names.capacity, points: capacity, color: COLORS.capacity, step: true, width: 1.3 },
  ];
  if (slo)
    lines.push({
      name: names.threshold,
      points: extendStep(scaled(capacity, slo.targetUtilization), to),
      color: COLORS.threshold,
      step: true,
      style: "dashed",
      width: 1.3,
    });
  return lines;
}

/** The pool's review chart: summed load against the summed forecasts made a lead ahead. */
export function poolReviewPanels(
  all: readonly OriginData[],
  slo: Slo | null,
  to: number,
  stepMs: number,
  leadText: string,
): PanelSpec[] {
  const windows = all.map((d) => d.windows.get("rps")).filter((w): w is SeriesWindow => w !== undefined);
  const actual = sumWindows(windows);
  const capacity = sumSteps(
    all.map((d) => capacityPoints(d.capacity, "capacityRps")),
    3 * stepMs,
  );
  const actualPoints = actual
    ? actual.values.map((v, i): Pt => [actual.start + i * actual.stepSeconds * 1000, v])
    : [];
  return [
    reviewPanel(
      "Pool load (requests/s): forecast vs what happened",
      "rps",
      actualPoints,
      pastLayers(sumPastForecasts(all)),
      capacityLines(capacity, slo, to, leadText),
      leadText,
      1,
    ),
  ];
}

/** One origin's review chart: load and p95 latency against the forecasts made a lead ahead. */
export function originReviewPanels(
  d: OriginData,
  slo: Slo | null,
  from: number,
  to: number,
  leadText: string,
): PanelSpec[] {
  const names = lineNames(leadText);
  const latencyExtra: LineSpec[] =
    slo?.p95LatencyMs !== undefined
      ? [
          {
            name: names.p95,
            points: constantLine(slo.p95LatencyMs, from, to),
            color: COLORS.threshold,
            style: "dashed",
            width: 1.3,
          },
        ]
      : [];
  return [
    reviewPanel(
      "Load (requests/s)",
      "rps",
      windowPoints(d.windows.get("rps")),
      pastLayers(d.history.get("rps")?.points ?? []),
      capacityLines(capacityPoints(d.capacity, "capacityRps"), slo, to, leadText),
      leadText,
      3,
    ),
    reviewPanel(
      "Latency p95 (ms)",
      "ms",
      windowPoints(d.windows.get("p95_ms")),
      pastLayers(d.history.get("p95_ms")?.points ?? []),
      latencyExtra,
      leadText,
      2,
    ),
  ];
}
