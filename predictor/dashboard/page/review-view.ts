import type { Decision, DecisionAction } from "../../../contracts/index.ts";
import { DECISION_ACTIONS } from "../../../contracts/index.ts";
import type { ReviewAccuracy } from "../../forecasting/forecast-review.ts";
import { api } from "./api.ts";
import { card, statCard } from "./cards.ts";
import { ChartBox } from "./chart-box.ts";
import type { ChartSpec, PanelSpec } from "./chart-options.ts";
import { renderDecisionList } from "./decision-list.ts";
import { decisionMarkers } from "./decision-markers.ts";
import { h, replace } from "./dom.ts";
import { duration, num, percent, withUnit } from "./format.ts";
import type { ViewContext } from "./live-view.ts";
import { eventAreas, hasData } from "./live-panels.ts";
import type { OriginData } from "./origin-data.ts";
import { loadOrigin } from "./origin-data.ts";
import { firstDataTime, originReviewPanels, poolAccuracy, poolReviewPanels } from "./review-panels.ts";
import { tooltipFactory } from "./tooltip.ts";

type Settled<T> = T | Error;
const settle = <T>(promise: Promise<T>): Promise<Settled<T>> =>
  promise.catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));

/**
 * The forecast review of one pool, for an operator deciding whether to trust the scaler: over
 * the chosen window (a day by default), what advise mode would have done (the decisions the
 * scaler recorded without applying them) on the time axis and in a list, and how the forecasts
 * made a lead ahead compared with what then happened (charts with the band, and MAE, MAPE,
 * sMAPE, interval coverage and the persistence baseline per series).
 */
export class ReviewView {
  readonly element: HTMLElement;
  private readonly intro = h("p", { class: "intro" });
  private readonly summary = h("div", { class: "stats", attrs: { "aria-label": "Review summary" } });
  private readonly poolChart = new ChartBox(300, "Pool load against the forecasts made a lead ahead");
  private readonly accuracyBox = h("div");
  private readonly decisionsBox = h("div", { class: "decision-box" });
  private readonly originsBox = h("div", { class: "origin-cards review" });
  private readonly charts = new Map<string, { element: HTMLElement; chart: ChartBox }>();

  constructor() {
    this.element = h(
      "div",
      { class: "view review-view" },
      this.intro,
      this.summary,
      card("Forecast against what happened", "review-chart", this.poolChart.element),
      h(
        "div",
        { class: "columns" },
        h(
          "div",
          { class: "main-column" },
          card("Forecast accuracy", "accuracy", this.accuracyBox),
          this.originsBox,
        ),
        h(
          "div",
          { class: "side-column" },
          card("What advise mode would have done", "advised", this.decisionsBox),
        ),
      ),
    );
  }

  async update(ctx: ViewContext): Promise<void> {
    const { info, pool, now, minutes } = ctx;
    const history = info.history;
    const windowStart = now - minutes * 60_000;
    const stepMs = info.stepSeconds * 1000;
    const to = now;
    const leadText = history ? duration(history.leadSeconds) : "";
    replace(
      this.intro,
      `Over the last ${duration(minutes * 60)}: the decisions the scaler recorded for ${pool.label} without applying them (advise mode), and each forecast made ${leadText || "a lead"} ahead against what then happened. `,
      pool.slo?.mode === "advise"
        ? "This pool is in advise mode now."
        : pool.slo
          ? `This pool is in ${pool.slo.mode} mode now: advised decisions appear only while it is in advise mode.`
          : "This pool has no SLO, so the scaler records nothing for it.",
    );
    if (!history) {
      replace(
        this.summary,
        h(
          "p",
          { class: "empty card" },
          "This predictor keeps no forecast history, so there is nothing to review.",
        ),
      );
      return;
    }
    const [origins, advised, applied, events] = await Promise.all([
      Promise.all(
        pool.origins.map((origin) => loadOrigin(origin, minutes, { forecasts: false, history: true })),
      ),
      pool.pool === null
        ? Promise.resolve([])
        : settle(
            api
              .decisions({ pool: pool.pool, since: windowStart, mode: "advise", applied: false, limit: 1000 })
              .then((r) => r.decisions),
          ),
      pool.pool === null
        ? Promise.resolve([])
        : settle(
            api
              .decisions({ pool: pool.pool, since: windowStart, applied: true, limit: 1000 })
              .then((r) => r.decisions),
          ),
      pool.pool === null ? Promise.resolve([]) : settle(api.events(pool.pool).then((r) => r.events)),
    ]);
    const earliest = Math.min(...origins.map(firstDataTime).filter((t): t is number => t !== null));
    const from = Number.isFinite(earliest) ? Math.max(windowStart, earliest - stepMs) : windowStart;
    if (!ctx.current()) return;
    const advisedList: Decision[] = Array.isArray(advised) ? advised : [];
    const markers = decisionMarkers(advisedList);
    const areas = eventAreas(Array.isArray(events) ? events : [], from, to);
    const spec = (panels: PanelSpec[], height: number): ChartSpec => ({
      panels,
      markers,
      areas,
      from,
      to,
      now,
      height,
      tooltip: tooltipFactory(
        Math.max(stepMs, (to - from) / 120),
        panels.map((p) => p.title),
      ),
    });
    const accuracy = poolAccuracy(origins, history.leadSteps);
    this.renderSummary(advisedList, Array.isArray(applied) ? applied.length : null, accuracy, origins, now);

    const remembered = origins.some((d) => (d.history.get("rps")?.points.length ?? 0) > 0);
    if (!origins.some(hasData)) this.poolChart.show({ kind: "empty", message: "No data in this window." });
    else if (!remembered)
      this.poolChart.show({
        kind: "empty",
        message: `No forecasts remembered yet: the predictor records each forecast's point ${leadText} ahead as it makes it, so the review fills in as time passes.`,
      });
    else
      this.poolChart.show({
        kind: "ready",
        spec: spec(poolReviewPanels(origins, pool.slo, to, stepMs, leadText), this.poolChart.height),
      });

    this.renderAccuracy(origins, accuracy);
    if (advised instanceof Error)
      replace(this.decisionsBox, h("p", { class: "error" }, `Cannot read decisions: ${advised.message}`));
    else
      renderDecisionList(
        this.decisionsBox,
        advisedList,
        `No advised decisions for ${pool.label} in the last ${duration(minutes * 60)}${pool.slo?.mode === "advise" ? ": the forecast stayed within the SLO" : ": set the pool's mode to advise to see what the scaler would do without letting it act"}.`,
      );

    const wanted = new Set(origins.map((d) => d.origin));
    for (const [id, entry] of this.charts)
      if (!wanted.has(id)) {
        entry.chart.dispose();
        entry.element.remove();
        this.charts.delete(id);
      }
    for (const d of origins) {
      let entry = this.charts.get(d.origin);
      if (!entry) {
        const chart = new ChartBox(300, `Origin ${d.origin}: forecasts against what happened`);
        entry = {
          element: h(
            "section",
            { class: "card origin-card", attrs: { "data-origin": d.origin } },
            h("div", { class: "card-head" }, h("h3", { class: "mono" }, d.origin)),
            chart.element,
          ),
          chart,
        };
        this.charts.set(d.origin, entry);
      }
      this.originsBox.append(entry.element);
      if (hasData(d))
        entry.chart.show({
          kind: "ready",
          spec: spec(originReviewPanels(d, pool.slo, from, to, leadText), entry.chart.height),
        });
      else
        entry.chart.show(
          d.errors.length > 0
            ? { kind: "error", message: d.errors.join("; ") }
            : { kind: "empty", message: "No data in this window." },
        );
    }
  }

  private renderSummary(
    advised: readonly Decision[],
    applied: number | null,
    accuracy: ReviewAccuracy | null,
    origins: readonly OriginData[],
    now: number,
  ): void {
    const counts = new Map<DecisionAction, number>();
    for (const d of advised) counts.set(d.action, (counts.get(d.action) ?? 0) + 1);
    const breakdown = DECISION_ACTIONS.filter((a) => counts.has(a))
      .map((a) => `${counts.get(a) ?? 0} ${a}`)
      .join(" · ");
    const firstRemembered = Math.min(
      ...origins.flatMap((d) => (d.history.get("rps")?.points ?? []).slice(0, 1).map((p) => p.t)),
    );
    const skill = accuracy?.naiveMae ? 1 - accuracy.mae / accuracy.naiveMae : null;
    replace(
      this.summary,
      statCard(
        "Advise mode would have",
        `${advised.length} decision${advised.length === 1 ? "" : "s"}`,
        breakdown || "nothing to change",
      ),
      statCard(
        "Pool load forecast error",
        accuracy ? withUnit(accuracy.mae, "rps") : "–",
        accuracy
          ? `MAE over ${num(accuracy.points, 0)} points · MAPE ${accuracy.mape === null ? "–" : `${num(accuracy.mape, 1)} %`}`
          : "no forecast to score yet",
      ),
      statCard(
        "Inside the 80 % band",
        accuracy ? percent(accuracy.coverage) : "–",
        "of actual points (well calibrated: about 80 %)",
        accuracy && Math.abs(accuracy.coverage - 0.8) > 0.15 ? "warn" : "",
      ),
      statCard(
        "Against persistence",
        skill === null
          ? "–"
          : skill >= 0
            ? `${percent(skill, 0)} less error`
            : `${percent(-skill, 0)} more error`,
        'than "load stays as it is now"',
        skill !== null && skill < 0 ? "warn" : "",
      ),
      statCard(
        "Applied in act mode",
        applied === null ? "–" : String(applied),
        "decisions in the same window",
      ),
      statCard(
        "Forecasts remembered since",
        Number.isFinite(firstRemembered)
          ? `${duration(Math.max(0, (now - firstRemembered) / 1000))} ago`
          : "not yet",
        "the history fills as forecasts are made",
      ),
    );
  }

  private renderAccuracy(origins: readonly OriginData[], pool: ReviewAccuracy | null): void {
    const rows: [string, string, ReviewAccuracy | null][] = [];
    if (origins.length > 1) rows.push(["pool (sum)", "rps", pool]);
    for (const d of origins)
      for (const metric of ["rps", "p95_ms"] as const)
        rows.push([d.origin, metric === "rps" ? "rps" : "ms", d.history.get(metric)?.accuracy ?? null]);
    if (rows.every(([, , a]) => a === null)) {
      replace(
        this.accuracyBox,
        h(
          "p",
          { class: "empty" },
          "No forecast has reached its time yet in this window, so there is nothing to score.",
        ),
      );
      return;
    }
    const head = h(
      "tr",
      null,
      ...[
        "Series",
        "Points",
        "MAE",
        "MAPE",
        "sMAPE",
        "In 80 % band",
        "Bias",
        "Persistence MAE",
        "vs persistence",
      ].map((t, i) => h("th", { attrs: { scope: "col" }, class: i > 0 ? "num" : "" }, t)),
    );
    const body = rows.map(([name, unit, a]) => {
      const skill = a?.naiveMae ? 1 - a.mae / a.naiveMae : null;
      return h(
        "tr",
        null,
        h("th", { attrs: { scope: "row" }, class: "mono" }, `${name} · ${unit === "rps" ? "load" : "p95"}`),
        h("td", { class: "num" }, a ? num(a.points, 0) : "–"),
        h("td", { class: "num" }, withUnit(a?.mae, unit)),
        h("td", { class: "num" }, a?.mape === null || a?.mape === undefined ? "–" : `${num(a.mape, 1)} %`),
        h("td", { class: "num" }, a ? `${num(a.smape, 1)} %` : "–"),
        h(
          "td",
          { class: `num${a && Math.abs(a.coverage - 0.8) > 0.15 ? " warn-text" : ""}` },
          percent(a?.coverage),
        ),
        h("td", { class: "num" }, a ? `${a.bias >= 0 ? "+" : ""}${withUnit(a.bias, unit)}` : "–"),
        h("td", { class: "num" }, withUnit(a?.naiveMae, unit)),
        h(
          "td",
          { class: `num${skill !== null && skill < 0 ? " warn-text" : ""}` },
          skill === null ? "–" : skill >= 0 ? `${percent(skill, 0)} better` : `${percent(-skill, 0)} worse`,
        ),
      );
    });
    replace(
      this.accuracyBox,
      h(
        "div",
        { class: "table-wrap" },
        h("table", { class: "grid-table accuracy-table" }, h("thead", null, head), h("tbody", null, ...body)),
      ),
      h(
        "p",
        { class: "note" },
        'Each forecast is scored at the time it was made for. MAPE leaves out zero actuals; bias is forecast minus actual (positive: forecasts ran high, which errs on the side of capacity). Persistence is the naive forecast "it stays as it was when the forecast was made": a forecast worth acting on beats it.',
      ),
    );
  }

  dispose(): void {
    this.poolChart.dispose();
    for (const entry of this.charts.values()) entry.chart.dispose();
    this.element.remove();
  }
}
