import type { Decision, ScheduledEvent } from "../../../contracts/index.ts";
import type { Info } from "./api.ts";
import { api } from "./api.ts";
import { ChartBox } from "./chart-box.ts";
import { capacityPoints, latest, windowPoints } from "./chart-data.ts";
import type { ChartSpec, PanelSpec } from "./chart-options.ts";
import { decisionMarkers } from "./decision-markers.ts";
import { renderDecisionList } from "./decision-list.ts";
import { h, replace } from "./dom.ts";
import { renderEdgeTable } from "./edge-table.ts";
import type { EdgeView } from "./edge-view.ts";
import { duration, percent, withUnit } from "./format.ts";
import { eventAreas, hasData, originPanels, poolPanels } from "./live-panels.ts";
import { EventsCard } from "./events-card.ts";
import { renderModelsTable } from "./models-table.ts";
import type { OriginData } from "./origin-data.ts";
import { loadOrigin } from "./origin-data.ts";
import type { PoolEntry } from "./pool-model.ts";
import { SloForm } from "./slo-form.ts";
import { card, statCard } from "./cards.ts";
import { waitingNotes } from "./series-waiting.ts";
import type { TokenStore } from "./token-store.ts";
import { tooltipFactory } from "./tooltip.ts";

/** What a view is given on every refresh. */
export type ViewContext = {
  info: Info;
  pool: PoolEntry;
  edge: EdgeView | null;
  edgeError: string | null;
  minutes: number;
  now: number;
  /** False once a newer refresh has begun: its data, not this one's, is drawn. */
  current: () => boolean;
};

type OriginCard = { element: HTMLElement; head: HTMLElement; facts: HTMLElement; chart: ChartBox };

/**
 * The live view of one pool: summary figures, the pool's chart (load against forecast, capacity
 * and the SLO threshold; latency; replicas; decisions and scheduled events on the time axis), one
 * chart per origin, the SLO editor, the scheduled events, the recent decisions, the Worker's origin table and the models in use.
 */
export class LiveView {
  readonly element: HTMLElement;
  private readonly summary = h("div", { class: "stats", attrs: { "aria-label": "Pool summary" } });
  private readonly poolChart = new ChartBox(420, "Pool load, latency and replicas over time");
  private readonly poolNote = h("p", { class: "note" });
  private readonly originsBox = h("div", { class: "origin-cards" });
  private readonly decisionsBox = h("div", { class: "decision-box" });
  private readonly edgeBox = h("div");
  private readonly modelsBox = h("div");
  private readonly cards = new Map<string, OriginCard>();
  private readonly sloForm: SloForm;
  private readonly eventsCard: EventsCard;

  /** `onChanged` runs after the operator saved an SLO or changed a scheduled event. */
  constructor(tokens: TokenStore, writes: boolean, onChanged: () => void) {
    this.sloForm = new SloForm(tokens, writes, onChanged);
    this.eventsCard = new EventsCard(tokens, writes, onChanged);
    this.element = h(
      "div",
      { class: "view live-view" },
      this.summary,
      card("Pool over time", "pool-chart", this.poolChart.element, this.poolNote),
      h(
        "div",
        { class: "columns" },
        h("div", { class: "main-column" }, this.originsBox),
        h(
          "div",
          { class: "side-column" },
          this.sloForm.element,
          this.eventsCard.element,
          card("Scaling decisions", "decisions", this.decisionsBox),
        ),
      ),
      card("Origins at the edge", "edge", this.edgeBox),
      card("Models and backtest accuracy", "models", this.modelsBox),
    );
  }

  /** Reads the pool's data and redraws; a part that fails shows its error in place. */
  async update(ctx: ViewContext): Promise<void> {
    const { info, pool, now, minutes } = ctx;
    this.sloForm.show(pool.pool, pool.slo);
    const from = now - minutes * 60_000;
    const stepMs = info.stepSeconds * 1000;
    const to = now + (info.horizonSteps + 1) * stepMs;
    const asError = (error: unknown) => (error instanceof Error ? error : new Error(String(error)));
    const [origins, decisions, events] = await Promise.all([
      Promise.all(
        pool.origins.map((origin) =>
          loadOrigin(origin, minutes, { forecasts: true, history: info.history !== null }),
        ),
      ),
      pool.pool === null
        ? Promise.resolve(null)
        : api.decisions({ pool: pool.pool, since: from, limit: 500 }).then((r) => r.decisions, asError),
      pool.pool === null ? Promise.resolve([]) : api.events(pool.pool).then((r) => r.events, asError),
    ]);
    if (!ctx.current()) return;
    const decisionList: Decision[] = Array.isArray(decisions) ? decisions : [];
    const eventList: ScheduledEvent[] = Array.isArray(events) ? events : [];
    const markers = decisionMarkers(decisionList);
    const areas = eventAreas(eventList, from, to);
    const leadText = info.history
      ? duration(info.history.leadSeconds)
      : duration(info.horizonSteps * info.stepSeconds);
    const spec = (panels: PanelSpec[], height: number, legend = true): ChartSpec => ({
      panels,
      markers,
      areas,
      from,
      to,
      now,
      height,
      legend,
      tooltip: tooltipFactory(
        Math.max(stepMs, (to - from) / 120),
        panels.map((p) => p.title),
      ),
    });
    this.eventsCard.show(pool.pool, events, now);

    this.renderSummary(origins, pool, decisionList, now, info);
    if (pool.origins.length === 0)
      this.poolChart.show({ kind: "empty", message: "This pool has no origins in the edge table." });
    else if (!origins.some(hasData))
      this.poolChart.show({
        kind: "empty",
        message: "No data yet: the predictor has not recorded these origins' metrics in this window.",
      });
    else
      this.poolChart.show({
        kind: "ready",
        spec: spec(
          poolPanels(origins, pool.slo, now, from, to, stepMs, leadText, eventList),
          this.poolChart.height,
        ),
      });
    replace(
      this.poolNote,
      pool.slo
        ? `The SLO threshold is the target utilisation (${percent(pool.slo.targetUtilization, 0)}) times capacity. "forecast" is the latest forecast; "made ${leadText} ahead" is what was forecast that long before each moment. Bands are 80 % intervals, summed over the origins (what the scaler plans for). Coloured vertical lines are scaling decisions: hover near one for its reason.`
        : "No SLO is set for this pool, so there is no threshold to draw and the scaler leaves it alone.",
    );

    this.renderOrigins(origins, ctx, spec);
    if (decisions instanceof Error)
      replace(this.decisionsBox, h("p", { class: "error" }, `Cannot read decisions: ${decisions.message}`));
    else
      renderDecisionList(
        this.decisionsBox,
        decisionList,
        pool.pool === null
          ? "Decisions are per pool."
          : `No decisions for ${pool.pool} in the last ${duration(minutes * 60)}.`,
      );
    if (ctx.edge) renderEdgeTable(this.edgeBox, ctx.edge, pool.pool);
    else
      replace(
        this.edgeBox,
        h(
          "p",
          { class: ctx.edgeError && info.edge.configured ? "error" : "empty" },
          ctx.edgeError ??
            "No edge is configured: start the predictor with --edge-url and --edge-token to see the Worker's origin table here.",
        ),
      );
    renderModelsTable(
      this.modelsBox,
      origins.flatMap((d) => [...d.forecasts.values()]),
      now,
    );
  }

  private renderOrigins(
    origins: readonly OriginData[],
    ctx: ViewContext,
    spec: (panels: PanelSpec[], height: number, legend?: boolean) => ChartSpec,
  ): void {
    const wanted = new Set(origins.map((d) => d.origin));
    for (const [id, existing] of this.cards) {
      if (wanted.has(id)) continue;
      existing.chart.dispose();
      existing.element.remove();
      this.cards.delete(id);
    }
    const from = ctx.now - ctx.minutes * 60_000;
    const to = ctx.now + (ctx.info.horizonSteps + 1) * ctx.info.stepSeconds * 1000;
    const leadText = ctx.info.history ? duration(ctx.info.history.leadSeconds) : "";
    for (const d of origins) {
      let entry = this.cards.get(d.origin);
      if (!entry) {
        const chart = new ChartBox(310, `Origin ${d.origin}: load, latency and replicas over time`);
        const head = h("div", { class: "card-head" });
        const facts = h("div", { class: "origin-facts" });
        entry = {
          element: h(
            "section",
            { class: "card origin-card", attrs: { "data-origin": d.origin } },
            head,
            facts,
            chart.element,
          ),
          head,
          facts,
          chart,
        };
        this.cards.set(d.origin, entry);
      }
      this.originsBox.append(entry.element);
      const edgeOrigin = ctx.edge?.origins.find((o) => o.id === d.origin);
      const state = !edgeOrigin
        ? null
        : edgeOrigin.ejected
          ? { text: "ejected", tone: "bad" }
          : edgeOrigin.healthy === false
            ? { text: "unhealthy", tone: "bad" }
            : { text: "healthy", tone: "ok" };
      replace(
        entry.head,
        h("h3", { class: "mono" }, d.origin),
        state ? h("span", { class: `pill ${state.tone}` }, state.text) : null,
        ...[...d.forecasts.values()]
          .filter((f) => f.metric === "rps" || f.metric === "p95_ms")
          .map((f) =>
            h(
              "span",
              {
                class: "chip",
                attrs: {
                  title: `backtest MASE ${f.accuracy.mase.toFixed(3)}, sMAPE ${f.accuracy.smape.toFixed(1)} %`,
                },
              },
              `${f.metric === "rps" ? "load" : "p95"}: ${f.model.kind}${f.model.backend ? ` · ${f.model.backend}` : ""} · MASE ${f.accuracy.mase.toFixed(2)}`,
            ),
          ),
        ...waitingNotes(d.windows, d.forecasts).map((note) =>
          h("span", { class: "chip waiting", attrs: { title: note.title } }, note.text),
        ),
      );
      const load = latest(windowPoints(d.windows.get("rps")));
      const p95 = latest(windowPoints(d.windows.get("p95_ms")));
      const capacity = latest(capacityPoints(d.capacity, "capacityRps"));
      const replicas = latest(capacityPoints(d.capacity, "replicas"));
      replace(
        entry.facts,
        fact("load", withUnit(load?.value, "rps")),
        fact(
          "capacity",
          capacity
            ? `${withUnit(capacity.value, "rps")} (${replicas ? `${replicas.value} ${replicas.value === 1 ? "replica" : "replicas"}` : "? replicas"})`
            : "not reported",
        ),
        fact(
          "utilisation",
          load && capacity && capacity.value > 0 ? percent(load.value / capacity.value) : "–",
        ),
        fact("p95", withUnit(p95?.value, "ms")),
        d.errors.length > 0 ? h("span", { class: "error" }, d.errors.join("; ")) : null,
      );
      if (hasData(d))
        entry.chart.show({
          kind: "ready",
          spec: spec(
            originPanels(d, ctx.pool.slo, ctx.now, from, to, ctx.info.stepSeconds * 1000, leadText),
            entry.chart.height,
            false,
          ),
        });
      else
        entry.chart.show(
          d.errors.length > 0
            ? { kind: "error", message: d.errors.join("; ") }
            : { kind: "empty", message: "No data yet for this origin in this window." },
        );
    }
    if (origins.length === 0)
      replace(this.originsBox, h("p", { class: "empty card" }, "No origins to show."));
  }

  private renderSummary(
    origins: readonly OriginData[],
    pool: PoolEntry,
    decisions: readonly Decision[],
    now: number,
    info: Info,
  ): void {
    const sum = (values: (number | undefined)[]) =>
      values.reduce<number | null>((s, v) => (v === undefined ? s : (s ?? 0) + v), null);
    const load = sum(origins.map((d) => latest(windowPoints(d.windows.get("rps")))?.value));
    const capacity = sum(origins.map((d) => latest(capacityPoints(d.capacity, "capacityRps"))?.value));
    const replicas = sum(origins.map((d) => latest(capacityPoints(d.capacity, "replicas"))?.value));
    const peak = sum(
      origins.map((d) => {
        const f = d.forecasts.get("rps");
        return f ? Math.max(...f.upper) : undefined;
      }),
    );
    const p95 = origins
      .map((d) => latest(windowPoints(d.windows.get("p95_ms")))?.value)
      .filter((v): v is number => v !== undefined);
    const worst = p95.length > 0 ? Math.max(...p95) : null;
    const slo = pool.slo;
    const last = decisions[0];
    replace(
      this.summary,
      statCard(
        "SLO mode",
        slo ? slo.mode : "not set",
        slo
          ? `target ${percent(slo.targetUtilization, 0)} · lead ${duration(slo.leadSeconds)}`
          : "the scaler leaves this pool alone",
        slo ? `mode-${slo.mode}` : "mode-unset",
      ),
      statCard(
        "Load now",
        withUnit(load, "rps"),
        capacity
          ? `${percent((load ?? 0) / capacity)} of ${withUnit(capacity, "rps")} capacity`
          : "capacity not reported",
        load !== null && capacity && slo && load / capacity > slo.targetUtilization ? "warn" : "",
      ),
      statCard(
        `Forecast peak, next ${duration(info.horizonSteps * info.stepSeconds)}`,
        withUnit(peak, "rps"),
        capacity && peak !== null
          ? `upper 80 % bound · ${percent(peak / capacity)} of capacity`
          : "upper 80 % bound",
        peak !== null && capacity && slo && peak / capacity > slo.targetUtilization ? "warn" : "",
      ),
      statCard(
        "Replicas",
        replicas === null ? "–" : String(replicas),
        `${origins.length} origin${origins.length === 1 ? "" : "s"}`,
      ),
      statCard(
        "Worst p95 now",
        withUnit(worst, "ms"),
        slo?.p95LatencyMs !== undefined ? `SLO ${withUnit(slo.p95LatencyMs, "ms")}` : "no latency SLO",
        worst !== null && slo?.p95LatencyMs !== undefined && worst > slo.p95LatencyMs ? "warn" : "",
      ),
      statCard(
        "Decisions in window",
        String(decisions.length),
        last
          ? `last: ${last.action} ${last.origin ?? last.pool}, ${duration(Math.max(0, (now - Date.parse(last.at)) / 1000))} ago`
          : "none",
      ),
    );
  }

  dispose(): void {
    this.poolChart.dispose();
    for (const entry of this.cards.values()) entry.chart.dispose();
    this.element.remove();
  }
}

function fact(label: string, value: string): HTMLElement {
  return h(
    "span",
    { class: "fact" },
    h("span", { class: "fact-label" }, label),
    h("span", { class: "fact-value" }, value),
  );
}
