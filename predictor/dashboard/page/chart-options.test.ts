import type { LineSeriesOption } from "echarts";
import { describe, expect, it } from "vitest";
import type { ChartSpec } from "./chart-options.ts";
import { chartOption } from "./chart-options.ts";

const spec = (overrides: Partial<ChartSpec> = {}): ChartSpec => ({
  panels: [
    {
      title: "Load",
      unit: "rps",
      weight: 2,
      lines: [
        {
          name: "actual",
          points: [
            [0, 1],
            [60_000, 2],
          ],
          color: "#00f",
        },
      ],
      bands: [
        {
          name: "band",
          points: [
            { t: 0, lower: 1, upper: 3 },
            { t: 60_000, lower: 2, upper: 5 },
          ],
          color: "#f0f",
          opacity: 0.2,
        },
      ],
    },
    {
      title: "Latency",
      unit: "ms",
      weight: 1,
      lines: [{ name: "p95", points: [[0, 40]], color: "#0f0", step: true }],
      bands: [],
    },
  ],
  markers: [
    {
      t: 30_000,
      color: "#16a34a",
      label: "scale-out eu-1",
      title: "scale-out eu-1",
      text: "forecast crosses 70 %",
    },
  ],
  from: 0,
  to: 120_000,
  now: 60_000,
  height: 400,
  tooltip: () => () => "",
  ...overrides,
});

const seriesOf = (option: ReturnType<typeof chartOption>) => option.series as LineSeriesOption[];

describe("chartOption", () => {
  it("draws a band as its lower bound plus its width, stacked, keeping both bounds for the tooltip", () => {
    const series = seriesOf(chartOption(spec()));
    const base = series.find((s) => s.id === "0:band-base:band");
    const width = series.find((s) => s.id === "0:band:band");
    expect(base?.stack).toBe(width?.stack);
    expect(base?.data).toEqual([
      [0, 1],
      [60_000, 2],
    ]);
    expect(width?.data).toEqual([
      [0, 2, 1, 3],
      [60_000, 3, 2, 5],
    ]);
    expect(width?.areaStyle).toMatchObject({ opacity: 0.2 });
  });

  it("marks each decision on every panel at its time, and the present on the first", () => {
    const series = seriesOf(chartOption(spec()));
    const marks = series
      .filter((s) => s.id?.toString().endsWith(":markers"))
      .map((s) => (s.markLine?.data ?? []) as { xAxis?: number; label?: { show?: boolean } }[]);
    expect(marks).toHaveLength(2);
    for (const data of marks) expect(data.map((d) => d.xAxis)).toEqual([30_000, 60_000]);
    expect(marks.map((data) => data[1]?.label?.show)).toEqual([true, false]);
  });

  it("shares one time range across the panels, with time labels under the last only, and step lines where asked", () => {
    const option = chartOption(spec());
    const axes = option.xAxis as { min: number; max: number; axisLabel: { show: boolean } }[];
    expect(axes.map((a) => [a.min, a.max, a.axisLabel.show])).toEqual([
      [0, 120_000, false],
      [0, 120_000, true],
    ]);
    expect(seriesOf(option).find((s) => s.name === "p95")?.step).toBe("end");
    expect(option.useUTC).toBe(true);
  });

  it("gives the taller panel the larger share of the height", () => {
    const grids = chartOption(spec()).grid as { height: number }[];
    expect(grids[0]?.height).toBeGreaterThan(1.9 * (grids[1]?.height ?? 0));
  });
});
