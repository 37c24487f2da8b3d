import type * as Echarts from "echarts";
import type { ChartSpec } from "./chart-options.ts";
import { chartOption } from "./chart-options.ts";
import { h } from "./dom.ts";

declare global {
  interface Window {
    /** ECharts' own build, loaded by /vendor/echarts.min.js before the page's script. */
    echarts?: typeof Echarts;
  }
}

/** What a chart shows now: data, a message while loading, nothing to draw yet, or an error. */
export type ChartState =
  | { kind: "loading" }
  | { kind: "ready"; spec: ChartSpec }
  | { kind: "empty"; message: string }
  | { kind: "error"; message: string };

/**
 * One chart on the page: an ECharts instance (canvas renderer, so series names and labels are
 * drawn, never parsed) in a box whose `data-state` says what it shows, with an overlay message
 * for the loading, empty and error states. It follows its box's size.
 */
export class ChartBox {
  readonly element: HTMLDivElement;
  private readonly canvasHost: HTMLDivElement;
  private readonly overlay: HTMLDivElement;
  private chart: Echarts.ECharts | null = null;
  private readonly resize = new ResizeObserver(() => this.chart?.resize());

  constructor(
    readonly height: number,
    label: string,
  ) {
    this.canvasHost = h("div", { class: "chart-canvas", attrs: { role: "img", "aria-label": label } });
    this.canvasHost.style.height = `${height}px`;
    this.overlay = h("div", { class: "chart-overlay" });
    this.element = h(
      "div",
      { class: "chart", attrs: { "data-state": "loading" } },
      this.canvasHost,
      this.overlay,
    );
    this.resize.observe(this.canvasHost);
    this.show({ kind: "loading" });
  }

  /** Shows a state; data replaces the chart's series while keeping the instance. */
  show(state: ChartState): void {
    this.element.setAttribute("data-state", state.kind);
    if (state.kind === "ready") {
      this.overlay.hidden = true;
      // Replacing the data components but merging the rest keeps what the operator chose in the
      // legend across refreshes.
      this.instance().setOption(chartOption(state.spec), {
        replaceMerge: ["series", "grid", "xAxis", "yAxis", "title"],
        lazyUpdate: true,
      });
      return;
    }
    this.overlay.hidden = false;
    this.overlay.textContent = state.kind === "loading" ? "Loading…" : state.message;
    this.overlay.className = `chart-overlay ${state.kind}`;
    this.chart?.clear();
  }

  /** The ECharts instance (for tests and tooltips). */
  instance(): Echarts.ECharts {
    if (this.chart) return this.chart;
    const echarts = window.echarts;
    if (!echarts) throw new Error("ECharts did not load (/vendor/echarts.min.js)");
    this.chart = echarts.init(this.canvasHost, null, { renderer: "canvas" });
    return this.chart;
  }

  dispose(): void {
    this.resize.disconnect();
    this.chart?.dispose();
    this.chart = null;
    this.element.remove();
  }
}
