import type { TooltipComponentFormatterCallbackParams as TopLevelFormatterParams } from "echarts";
import type { MarkerSpec, SeriesMeta, TooltipFactory } from "./chart-options.ts";
import { h } from "./dom.ts";
import { dateTime, withUnit } from "./format.ts";

type Param = { seriesId?: string; value?: unknown; color?: unknown; axisValue?: unknown };

const asParams = (params: TopLevelFormatterParams): Param[] => (Array.isArray(params) ? params : [params]);

/**
 * The charts' tooltip: the time, each series' value at it (bands as "lower – upper"), grouped by
 * panel, then the decisions taken within `toleranceMs` of that time with their reasons. Built as
 * DOM with text nodes: series names and reasons are never parsed as HTML.
 */
export function tooltipFactory(toleranceMs: number, panelTitles: readonly string[]): TooltipFactory {
  return (meta: SeriesMeta, markers: readonly MarkerSpec[], unitOf: (panel: number) => string) =>
    (params) => {
      const list = asParams(params);
      const t = Number(list[0]?.axisValue ?? NaN);
      const box = h(
        "div",
        { class: "tip" },
        h("div", { class: "tip-time" }, Number.isFinite(t) ? dateTime(t) : ""),
      );
      let panel = -1;
      for (const param of list) {
        const info = meta.get(param.seriesId ?? "");
        if (!info || info.role === "band-base" || info.role === "markers") continue;
        const value = Array.isArray(param.value) ? (param.value as unknown[]) : [];
        let text: string;
        if (info.role === "band")
          text = `${withUnit(Number(value[2]), unitOf(info.panel))} – ${withUnit(Number(value[3]), unitOf(info.panel))}`;
        else if (typeof value[1] === "number") text = withUnit(value[1], unitOf(info.panel));
        else continue;
        if (info.panel !== panel) {
          panel = info.panel;
          box.append(h("div", { class: "tip-panel" }, panelTitles[panel] ?? ""));
        }
        const dot = h("span", { class: "tip-dot" });
        if (typeof param.color === "string") dot.style.backgroundColor = param.color;
        box.append(
          h(
            "div",
            { class: "tip-row" },
            dot,
            h("span", { class: "tip-name" }, info.name),
            h("span", { class: "tip-value" }, text),
          ),
        );
      }
      const near = Number.isFinite(t) ? markers.filter((m) => Math.abs(m.t - t) <= toleranceMs) : [];
      if (near.length > 0) {
        box.append(
          h("div", { class: "tip-panel" }, near.length === 1 ? "Decision" : `${near.length} decisions`),
        );
        for (const marker of near.slice(0, 4)) {
          const dot = h("span", { class: "tip-dot" });
          dot.style.backgroundColor = marker.color;
          box.append(
            h(
              "div",
              { class: "tip-decision" },
              h("div", { class: "tip-row" }, dot, h("strong", null, marker.title)),
              h("div", { class: "tip-reason" }, marker.text),
            ),
          );
        }
        if (near.length > 4)
          box.append(h("div", { class: "tip-more" }, `and ${near.length - 4} more (see the list)`));
      }
      return box;
    };
}
