// The scaling bench's frontier chart: spend (replica-minutes) against SLO-violation minutes for
// each baseline's curve and the product's policy, drawn by ECharts (the dashboard's chart library)
// in its server-side SVG renderer and turned into a PNG by resvg, so no browser is needed.
import { Resvg } from "@resvg/resvg-js";
import * as echarts from "echarts";

/** One measured point: what a policy spent and the violation minutes it had. */
export type SpendPoint = { replicaMinutes: number; sloViolationMinutes: number; label?: string };

/** A named series of points, drawn as a line (a curve) or as a lone marker (one setting). */
export type ChartSeries = {
  name: string;
  points: readonly SpendPoint[];
  /** "curve": points joined in order of spend; "point": a marker per point. */
  style: "curve" | "point";
  color: string;
};

export type FrontierChart = {
  title: string;
  subtitle: string;
  series: readonly ChartSeries[];
};

const WIDTH = 960;
const HEIGHT = 600;

/** The chart as an SVG document. */
export function frontierSvg(chart: FrontierChart): string {
  const instance = echarts.init(null, null, { renderer: "svg", ssr: true, width: WIDTH, height: HEIGHT });
  try {
    instance.setOption({
      animation: false,
      backgroundColor: "#ffffff",
      textStyle: { fontFamily: "DejaVu Sans, Liberation Sans, Arial, sans-serif" },
      title: { text: chart.title, subtext: chart.subtitle, left: "center", top: 8 },
      legend: { top: 58, itemGap: 24, data: chart.series.map((s) => s.name) },
      grid: { left: 90, right: 40, top: 135, bottom: 60 },
      xAxis: {
        type: "value",
        name: "replica-minutes (spend)",
        nameLocation: "middle",
        nameGap: 30,
        scale: true,
        axisLabel: { formatter: (v: number) => compact(v) },
      },
      yAxis: {
        type: "value",
        name: "SLO-violation minutes",
        nameLocation: "middle",
        nameGap: 60,
        axisLabel: { formatter: (v: number) => compact(v) },
      },
      series: chart.series.map((s) => ({
        name: s.name,
        type: s.style === "curve" ? "line" : "scatter",
        color: s.color,
        symbol: s.style === "curve" ? "circle" : "diamond",
        symbolSize: s.style === "curve" ? 7 : 16,
        data: [...s.points]
          .sort((a, b) => (s.style === "curve" ? a.replicaMinutes - b.replicaMinutes : 0))
          .map((p) => ({ value: [p.replicaMinutes, p.sloViolationMinutes], name: p.label ?? "" })),
        label: {
          show: true,
          position: s.style === "curve" ? "top" : "right",
          fontSize: 11,
          color: s.color,
          formatter: (p: { name?: string }) => p.name ?? "",
        },
      })),
    });
    return instance.renderToSVGString();
  } finally {
    instance.dispose();
  }
}

/** The chart as a PNG image. */
export function frontierPng(chart: FrontierChart): Buffer {
  const svg = frontierSvg(chart);
  const rendered = new Resvg(svg, {
    background: "#ffffff",
    fitTo: { mode: "width", value: WIDTH },
    font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" },
  }).render();
  return rendered.asPng();
}

/** 12,345 -> "12k", 1,234,567 -> "1.2M". */
function compact(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${(value / 1e6).toFixed(abs >= 1e7 ? 0 : 1)}M`;
  if (abs >= 1e4) return `${Math.round(value / 1e3)}k`;
  if (abs >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  return String(Math.round(value));
}
