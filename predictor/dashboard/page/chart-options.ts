import type {
  EChartsOption,
  LineSeriesOption,
  TooltipComponentFormatterCallbackParams as TopLevelFormatterParams,
} from "echarts";
import type { BandPt, Pt } from "./chart-data.ts";

/** A line of a panel. */
export type LineSpec = {
  name: string;
  points: readonly Pt[];
  color: string;
  style?: "solid" | "dashed" | "dotted";
  width?: number;
  /** Step line: each value holds until the next point (capacity, replicas). */
  step?: boolean;
  /** Fill under the line with this opacity. */
  area?: number;
};
/** An interval drawn as a filled band between its bounds. */
export type BandSpec = { name: string; points: readonly BandPt[]; color: string; opacity: number };
/** One stacked panel of a chart, with its own y axis. */
export type PanelSpec = { title: string; unit: string; lines: LineSpec[]; bands: BandSpec[]; weight: number };
/** A moment marked on every panel (a scaling decision), described in the tooltip. */
export type MarkerSpec = { t: number; color: string; label: string; title: string; text: string };
/** A stretch of time shaded on every panel (a scheduled event), named on the first. */
export type AreaSpec = { from: number; to: number; label: string; color: string };
/** What the tooltip knows of each series, by series id. */
export type SeriesMeta = Map<
  string,
  { panel: number; name: string; unit: string; role: "line" | "band-base" | "band" | "markers" }
>;
export type TooltipFactory = (
  meta: SeriesMeta,
  markers: readonly MarkerSpec[],
  unitOf: (panel: number) => string,
) => (params: TopLevelFormatterParams) => HTMLElement | string;

export type ChartSpec = {
  panels: PanelSpec[];
  markers: MarkerSpec[];
  /** Stretches shaded on every panel (none when absent). */
  areas?: AreaSpec[];
  from: number;
  to: number;
  /** Marks the present on the time axis (live charts). */
  now: number | null;
  /** Chart height in pixels (the container's). */
  height: number;
  /** Show the legend (off for the small per-origin charts: the pool chart's legend explains the
   * same colours, and the tooltip names every line). */
  legend?: boolean;
  tooltip: TooltipFactory;
};

const AXIS_TEXT = "#64748b";
const GRID_LINE = "#e2e8f0";
const LEGEND_HEIGHT = 30;
const PANEL_GAP = 30;
const BOTTOM = 26;

/** Compact axis numbers: 1200 -> 1.2k. */
export function axisNumber(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${+(value / 1e6).toFixed(1)}M`;
  if (abs >= 1e3) return `${+(value / 1e3).toFixed(1)}k`;
  return `${+value.toFixed(abs < 1 && abs > 0 ? 2 : 1)}`;
}

/**
 * Builds the ECharts option of a multi-panel time chart: panels stacked on one shared time
 * axis (one grid each, axis pointers linked), bands as two stacked series (the lower bound,
 * invisible, then the width filled), decisions as vertical mark lines on every panel, and a
 * tooltip made by `spec.tooltip` (which builds DOM, never HTML strings). Pure: the same spec
 * always gives the same option.
 */
export function chartOption(spec: ChartSpec): EChartsOption {
  const meta: SeriesMeta = new Map();
  const totalWeight = spec.panels.reduce((sum, p) => sum + p.weight, 0) || 1;
  const legendHeight = spec.legend === false ? 0 : LEGEND_HEIGHT;
  const usable = Math.max(60, spec.height - legendHeight - BOTTOM - PANEL_GAP * spec.panels.length);
  let top = legendHeight;
  const grids = spec.panels.map((panel) => {
    const height = Math.round((usable * panel.weight) / totalWeight);
    const grid = { left: 58, right: 18, top: top + PANEL_GAP, height };
    top += PANEL_GAP + height;
    return grid;
  });
  const legend: string[] = [];
  const series: LineSeriesOption[] = [];
  spec.panels.forEach((panel, i) => {
    const axes = { xAxisIndex: i, yAxisIndex: i };
    for (const band of panel.bands) {
      if (!legend.includes(band.name)) legend.push(band.name);
      const baseId = `${i}:band-base:${band.name}`;
      const id = `${i}:band:${band.name}`;
      meta.set(baseId, { panel: i, name: band.name, unit: panel.unit, role: "band-base" });
      meta.set(id, { panel: i, name: band.name, unit: panel.unit, role: "band" });
      series.push({
        type: "line",
        id: baseId,
        name: band.name,
        ...axes,
        stack: id,
        data: band.points.map((p) => [p.t, p.lower]),
        symbol: "none",
        lineStyle: { opacity: 0 },
        itemStyle: { color: band.color },
        silent: true,
        animation: false,
      });
      series.push({
        type: "line",
        id,
        name: band.name,
        ...axes,
        stack: id,
        data: band.points.map((p) => [p.t, p.upper - p.lower, p.lower, p.upper]),
        encode: { x: 0, y: 1 },
        symbol: "none",
        lineStyle: { opacity: 0 },
        itemStyle: { color: band.color },
        areaStyle: { color: band.color, opacity: band.opacity },
        silent: true,
        animation: false,
      });
    }
    for (const line of panel.lines) {
      if (!legend.includes(line.name)) legend.push(line.name);
      const id = `${i}:line:${line.name}`;
      meta.set(id, { panel: i, name: line.name, unit: panel.unit, role: "line" });
      series.push({
        type: "line",
        id,
        name: line.name,
        ...axes,
        data: line.points.map(([t, v]) => [t, v]),
        showSymbol: false,
        symbol: "circle",
        symbolSize: 4,
        connectNulls: false,
        sampling: "lttb",
        animation: false,
        ...(line.step ? { step: "end" as const } : {}),
        lineStyle: { color: line.color, width: line.width ?? 1.6, type: line.style ?? "solid" },
        itemStyle: { color: line.color },
        ...(line.area !== undefined ? { areaStyle: { color: line.color, opacity: line.area } } : {}),
      });
    }
    const markersId = `${i}:markers`;
    meta.set(markersId, { panel: i, name: "decisions", unit: panel.unit, role: "markers" });
    series.push({
      type: "line",
      id: markersId,
      name: "decisions",
      ...axes,
      data: [
        [spec.from, null],
        [spec.to, null],
      ],
      symbol: "none",
      silent: false,
      animation: false,
      legendHoverLink: false,
      markLine: {
        symbol: ["none", "none"],
        animation: false,
        silent: false,
        data: [
          ...spec.markers.map((m) => ({
            xAxis: m.t,
            lineStyle: { color: m.color, width: 1.5, type: "solid" as const, opacity: 0.85 },
            label: { show: false },
            emphasis: {
              label: {
                show: true,
                formatter: m.label,
                position: "insideEndTop" as const,
                color: m.color,
                fontSize: 11,
              },
              lineStyle: { width: 2.5 },
            },
          })),
          ...(spec.now !== null
            ? [
                {
                  xAxis: spec.now,
                  lineStyle: { color: "#94a3b8", width: 1, type: "dashed" as const },
                  label: {
                    show: i === 0,
                    formatter: "now",
                    position: "end" as const,
                    color: AXIS_TEXT,
                    fontSize: 10,
                  },
                },
              ]
            : []),
        ],
      },
      ...(spec.areas && spec.areas.length > 0
        ? {
            markArea: {
              silent: true,
              animation: false,
              data: spec.areas.map((a) => [
                {
                  xAxis: Math.max(a.from, spec.from),
                  itemStyle: { color: a.color, opacity: 0.1 },
                  label: {
                    show: i === 0,
                    formatter: a.label,
                    position: "insideTop" as const,
                    color: a.color,
                    fontSize: 10,
                  },
                },
                { xAxis: Math.min(a.to, spec.to) },
              ]),
            },
          }
        : {}),
    });
  });
  const last = spec.panels.length - 1;
  const unitOf = (panel: number) => spec.panels[panel]?.unit ?? "";
  return {
    useUTC: true,
    animation: false,
    textStyle: { fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" },
    legend: {
      show: spec.legend !== false,
      top: 0,
      left: 50,
      right: 10,
      type: "scroll",
      data: legend,
      itemWidth: 18,
      itemHeight: 8,
      textStyle: { color: "#334155", fontSize: 11 },
    },
    title: spec.panels.map((panel, i) => ({
      text: panel.title,
      left: 58,
      top: (grids[i]?.top ?? 0) - 22,
      textStyle: { fontSize: 12, fontWeight: 600, color: "#0f172a" },
    })),
    grid: grids,
    axisPointer: { link: [{ xAxisIndex: "all" }], lineStyle: { color: "#94a3b8" } },
    tooltip: {
      trigger: "axis",
      confine: true,
      className: "chart-tooltip",
      transitionDuration: 0,
      formatter: spec.tooltip(meta, spec.markers, unitOf),
    },
    xAxis: spec.panels.map((_, i) => ({
      type: "time" as const,
      gridIndex: i,
      min: spec.from,
      max: spec.to,
      axisLabel: { show: i === last, color: AXIS_TEXT, fontSize: 11, hideOverlap: true },
      axisTick: { show: i === last },
      axisLine: { lineStyle: { color: "#cbd5e1" } },
      splitLine: { show: true, lineStyle: { color: GRID_LINE } },
    })),
    yAxis: spec.panels.map((panel, i) => ({
      type: "value" as const,
      gridIndex: i,
      min: 0,
      name: panel.unit,
      nameGap: 8,
      nameTextStyle: { color: AXIS_TEXT, fontSize: 10, align: "right" as const },
      splitNumber: 3,
      axisLabel: { color: AXIS_TEXT, fontSize: 11, formatter: axisNumber },
      splitLine: { lineStyle: { color: GRID_LINE } },
    })),
    series,
  };
}
