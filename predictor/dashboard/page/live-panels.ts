import type { ScheduledEvent, Slo } from "../../../contracts/index.ts";
import type { BandPt, Pt } from "./chart-data.ts";
import {
  capacityPoints,
  constantLine,
  forecastPoints,
  holdUntil,
  pastForecastPoints,
  scaled,
  sumBands,
  sumSeries,
  sumSteps,
  windowPoints,
} from "./chart-data.ts";
import type { AreaSpec, LineSpec, PanelSpec } from "./chart-options.ts";
import type { OriginData } from "./origin-data.ts";

/** The page's colours: one per kind of line, the same on every chart. */
export const COLORS = {
  actual: "#2563eb",
  forecast: "#7c3aed",
  past: "#f97316",
  capacity: "#475569",
  threshold: "#dc2626",
  replicas: "#0d9488",
  event: "#ca8a04",
};
/** Colours of origins when one chart shows several. */
export const PALETTE = [
  "#2563eb",
  "#0d9488",
  "#d97706",
  "#db2777",
  "#7c3aed",
  "#65a30d",
  "#0891b2",
  "#9333ea",
];

/** Names of the lines, shared by every chart so the legend reads the same everywhere. */
export function lineNames(leadText: string) {
  return {
    actual: "actual",
    forecast: "forecast",
    band: "80 % band",
    past: `made ${leadText} ahead`,
    pastBand: `its 80 % band`,
    capacity: "capacity",
    threshold: "SLO threshold",
    p95: "SLO p95",
    replicas: "replicas",
    scheduled: "scheduled events",
  };
}

/** The load scheduled events expect over [from, to], as flat segments with a gap (null) where
 * none runs; where events overlap, the largest, as the scaler plans. */
export function scheduledLoad(events: readonly ScheduledEvent[], from: number, to: number): Pt[] {
  const cuts = [
    ...new Set([
      from,
      to,
      ...events.flatMap((e) => [Date.parse(e.start), Date.parse(e.end)]).filter((t) => t > from && t < to),
    ]),
  ].sort((a, b) => a - b);
  const points: Pt[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const [a, b] = [cuts[i] ?? from, cuts[i + 1] ?? to];
    const expected = Math.max(
      0,
      ...events.filter((e) => Date.parse(e.start) <= a && Date.parse(e.end) > a).map((e) => e.expectedRps),
    );
    if (expected <= 0) continue;
    const last = points[points.length - 1];
    if (last && last[0] === a && last[1] === expected) points[points.length - 1] = [b, expected];
    else points.push(...(last && last[0] < a ? [[last[0], null] as Pt] : []), [a, expected], [b, expected]);
  }
  return points;
}

/** Scheduled events overlapping [from, to], shaded on every chart of their pool. */
export function eventAreas(events: readonly ScheduledEvent[], from: number, to: number): AreaSpec[] {
  return events
    .filter((e) => Date.parse(e.end) > from && Date.parse(e.start) < to)
    .map((e) => ({ from: Date.parse(e.start), to: Date.parse(e.end), label: e.id, color: COLORS.event }));
}

/** The bands and lines of one metric: the observed series, the remembered forecasts up to
 * `until` and the latest forecast. */
function metricLayers(
  actual: Pt[],
  past: { mean: Pt[]; band: BandPt[] },
  latest: { mean: Pt[]; band: BandPt[] },
  names: ReturnType<typeof lineNames>,
): Pick<PanelSpec, "lines" | "bands"> {
  return {
    bands: [
      { name: names.pastBand, points: past.band, color: COLORS.past, opacity: 0.12 },
      { name: names.band, points: latest.band, color: COLORS.forecast, opacity: 0.2 },
    ],
    lines: [
      { name: names.past, points: past.mean, color: COLORS.past, style: "dotted", width: 1.4 },
      { name: names.forecast, points: latest.mean, color: COLORS.forecast, style: "dashed", width: 1.8 },
      { name: names.actual, points: actual, color: COLORS.actual, width: 1.8 },
    ],
  };
}

/** The panels of one origin: load against capacity and the SLO threshold, p95 latency against
 * the SLO, and replicas; past forecasts shown up to `now`, the latest forecast after it. */
export function originPanels(
  d: OriginData,
  slo: Slo | null,
  now: number,
  from: number,
  to: number,
  stepMs: number,
  leadText: string,
): PanelSpec[] {
  const names = lineNames(leadText);
  const capacity = holdUntil(capacityPoints(d.capacity, "capacityRps"), now, 3 * stepMs);
  const load = metricLayers(
    windowPoints(d.windows.get("rps")),
    pastForecastPoints(d.history.get("rps")?.points ?? [], now),
    forecastPoints(d.forecasts.get("rps")),
    names,
  );
  const latency = metricLayers(
    windowPoints(d.windows.get("p95_ms")),
    pastForecastPoints(d.history.get("p95_ms")?.points ?? [], now),
    forecastPoints(d.forecasts.get("p95_ms")),
    names,
  );
  const extra: LineSpec[] = [
    { name: names.capacity, points: capacity, color: COLORS.capacity, step: true, width: 1.4 },
  ];
  if (slo)
    extra.push({
      name: names.threshold,
      points: extendStep(scaled(capacity, slo.targetUtilization), to),
      color: COLORS.threshold,
      step: true,
      style: "dashed",
      width: 1.4,
    });
  const latencyExtra: LineSpec[] =
    slo?.p95LatencyMs !== undefined
      ? [
          {
            name: names.p95,
            points: constantLine(slo.p95LatencyMs, from, to),
            color: COLORS.threshold,
            style: "dashed",
            width: 1.4,
          },
        ]
      : [];
  return [
    {
      title: "Load (requests/s)",
      unit: "rps",
      weight: 5,
      bands: load.bands,
      lines: [...extra, ...load.lines],
    },
    {
      title: "Latency p95 (ms)",
      unit: "ms",
      weight: 3,
      bands: latency.bands,
      lines: [...latencyExtra, ...latency.lines],
    },
    {
      title: "Replicas",
      unit: "",
      weight: 2,
      bands: [],
      lines: [
        {
          name: names.replicas,
          points: holdUntil(capacityPoints(d.capacity, "replicas"), now, 3 * stepMs),
          color: COLORS.replicas,
          step: true,
          area: 0.12,
        },
      ],
    },
  ];
}

/** The panels of a pool: its origins' summed load, forecasts (bounds summed: what the scaler
 * plans for) and capacity; each origin's p95; the pool's replicas and each origin's. */
export function poolPanels(
  all: readonly OriginData[],
  slo: Slo | null,
  now: number,
  from: number,
  to: number,
  stepMs: number,
  leadText: string,
  events: readonly ScheduledEvent[] = [],
): PanelSpec[] {
  const names = lineNames(leadText);
  const capacity = holdUntil(
    sumSteps(
      all.map((d) => capacityPoints(d.capacity, "capacityRps")),
      3 * stepMs,
    ),
    now,
    3 * stepMs,
  );
  const replicasOf = (d: OriginData) => holdUntil(capacityPoints(d.capacity, "replicas"), now, 3 * stepMs);
  const pastOf = (d: OriginData) => pastForecastPoints(d.history.get("rps")?.points ?? [], now);
  const latestOf = (d: OriginData) => forecastPoints(d.forecasts.get("rps"));
  const load = metricLayers(
    sumSeries(all.map((d) => windowPoints(d.windows.get("rps")))),
    { mean: sumSeries(all.map((d) => pastOf(d).mean)), band: sumBands(all.map((d) => pastOf(d).band)) },
    { mean: sumSeries(all.map((d) => latestOf(d).mean)), band: sumBands(all.map((d) => latestOf(d).band)) },
    names,
  );
  const lines: LineSpec[] = [
    { name: names.capacity, points: capacity, color: COLORS.capacity, step: true, width: 1.4 },
  ];
  if (slo)
    lines.push({
      name: names.threshold,
      points: extendStep(scaled(capacity, slo.targetUtilization), to),
      color: COLORS.threshold,
      step: true,
      style: "dashed",
      width: 1.4,
    });
  const scheduled = scheduledLoad(events, from, to);
  if (scheduled.length > 0)
    lines.push({
      name: names.scheduled,
      points: scheduled,
      color: COLORS.event,
      style: "dashed",
      width: 1.6,
    });
  const color = (i: number) => PALETTE[i % PALETTE.length] ?? COLORS.actual;
  return [
    {
      title: "Pool load (requests/s, summed over origins)",
      unit: "rps",
      weight: 5,
      bands: load.bands,
      lines: [...lines, ...load.lines],
    },
    {
      title: "Latency p95 by origin (ms)",
      unit: "ms",
      weight: 3,
      bands: [],
      lines: [
        ...(slo?.p95LatencyMs !== undefined
          ? [
              {
                name: names.p95,
                points: constantLine(slo.p95LatencyMs, from, to),
                color: COLORS.threshold,
                style: "dashed" as const,
                width: 1.4,
              },
            ]
          : []),
        ...all.map((d, i) => ({
          name: d.origin,
          points: windowPoints(d.windows.get("p95_ms")),
          color: color(i),
          width: 1.4,
        })),
      ],
    },
    {
      title: "Replicas (pool total and by origin)",
      unit: "",
      weight: 2,
      bands: [],
      lines: [
        {
          name: names.replicas,
          points: sumSteps(all.map(replicasOf), 3 * stepMs),
          color: COLORS.replicas,
          step: true,
          area: 0.12,
          width: 1.6,
        },
        ...all.map((d, i) => ({
          name: d.origin,
          points: replicasOf(d),
          color: color(i),
          step: true,
          width: 1,
          style: "dotted" as const,
        })),
      ],
    },
  ];
}

/** A step line continued to `to` at its last value, so a threshold reaches across the forecast. */
export function extendStep(points: readonly Pt[], to: number): Pt[] {
  const last = points[points.length - 1];
  return last && last[0] < to ? [...points, [to, last[1]]] : [...points];
}

/** Whether an origin has anything observed or forecast to draw. */
export function hasData(d: OriginData): boolean {
  return (
    [...d.windows.values()].some((w) => w.values.some((v) => v !== null)) ||
    d.forecasts.size > 0 ||
    d.capacity.length > 0
  );
}
