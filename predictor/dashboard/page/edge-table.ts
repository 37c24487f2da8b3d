import type { EdgeView } from "./edge-view.ts";
import { h, replace } from "./dom.ts";
import { clockTime, dateTime, num } from "./format.ts";

/** The state of an origin in a word: what an operator scans the table for. */
function health(o: EdgeView["origins"][number]): { text: string; tone: "ok" | "warn" | "bad" | "muted" } {
  if (!o.enabled) return { text: "disabled", tone: "muted" };
  if (o.ejected)
    return {
      text: o.ejectedUntil ? `ejected until ${clockTime(Date.parse(o.ejectedUntil))}` : "ejected",
      tone: "bad",
    };
  if (o.healthy === false) return { text: "unhealthy", tone: "bad" };
  if (o.slowStart !== null) return { text: `slow start ${num(o.slowStart * 100, 0)} %`, tone: "warn" };
  if (o.effectiveWeight === 0) return { text: "drained", tone: "muted" };
  return { text: o.healthy === true ? "healthy" : "unknown", tone: o.healthy === true ? "ok" : "muted" };
}

/** The Worker's origin table as this isolate sees it, grouped by pool, the selected pool first. */
export function renderEdgeTable(target: HTMLElement, edge: EdgeView, selectedPool: string | null): void {
  const pools = [...edge.pools].sort(
    (a, b) => Number(b.name === selectedPool) - Number(a.name === selectedPool),
  );
  const head = h(
    "tr",
    null,
    ...[
      "Origin",
      "State",
      "Serving",
      "Weight",
      "Overlay factor",
      "Effective weight",
      "Ejections",
      "Latency (EWMA)",
      "In flight",
      "URL",
    ].map((title) => h("th", { attrs: { scope: "col" } }, title)),
  );
  const body = h("tbody");
  for (const pool of pools) {
    const notes = [
      pool.location ? `at ${pool.location}` : null,
      pool.serving !== null ? `${pool.serving} serving` : null,
      pool.passedOver ? "passed over (too few healthy origins)" : null,
      pool.spill > 0
        ? `spilling ${num(pool.spill * 100, 0)} % to ${pool.fallback ?? "its fallback"}`
        : pool.fallback
          ? `fallback ${pool.fallback}`
          : null,
      pool.latencyMs !== null ? `typical latency ${num(pool.latencyMs, 0)} ms` : null,
    ].filter((n): n is string => n !== null);
    body.append(
      h(
        "tr",
        { class: `pool-row${pool.name === selectedPool ? " selected" : ""}` },
        h(
          "th",
          { attrs: { colspan: 10, scope: "rowgroup" } },
          h("span", { class: "pool-name" }, pool.name),
          h("span", { class: "pool-notes" }, notes.join(" · ")),
        ),
      ),
    );
    for (const o of edge.origins.filter((origin) => origin.pool === pool.name)) {
      const state = health(o);
      body.append(
        h(
          "tr",
          null,
          h("th", { attrs: { scope: "row" }, class: "mono" }, o.id),
          h("td", null, h("span", { class: `pill ${state.tone}` }, state.text)),
          h("td", null, o.serving === null ? "–" : o.serving ? "yes" : "no"),
          h("td", { class: "num" }, num(o.weight, 0)),
          h("td", { class: "num" }, o.factor === null ? "–" : `× ${num(o.factor, 2)}`),
          h("td", { class: "num" }, num(o.effectiveWeight, 1)),
          h("td", { class: "num" }, num(o.ejections, 0)),
          h("td", { class: "num" }, o.latencyEwmaMs === null ? "–" : `${num(o.latencyEwmaMs, 1)} ms`),
          h("td", { class: "num" }, num(o.inflight, 0)),
          h("td", { class: "mono url" }, o.url ?? "–"),
        ),
      );
    }
  }
  const facts = [
    edge.tableVersion !== null ? `table version ${edge.tableVersion}` : "no table",
    edge.overlay
      ? `weights overlay ${edge.overlay.active ? "active" : "inactive"}${edge.overlay.expiresAt ? ` until ${clockTime(Date.parse(edge.overlay.expiresAt))}` : ""}`
      : "no weights overlay",
    edge.panic ? "PANIC: routing to every enabled origin" : null,
    edge.now ? `as of ${dateTime(Date.parse(edge.now))}` : null,
  ].filter((f): f is string => f !== null);
  replace(
    target,
    h("p", { class: "facts" }, facts.join(" · ")),
    edge.overlay?.reason
      ? h("p", { class: "overlay-reason" }, `Overlay reason: ${edge.overlay.reason}`)
      : null,
    edge.problems.length > 0
      ? h(
          "ul",
          { class: "problems" },
          ...edge.problems.map((p) => h("li", null, `${p.document}: ${p.message}`)),
        )
      : null,
    h(
      "div",
      { class: "table-wrap" },
      h("table", { class: "grid-table edge-table" }, h("thead", null, head), body),
    ),
    edge.events.length > 0
      ? h(
          "details",
          { class: "events" },
          h("summary", null, `Recent edge events (${edge.events.length})`),
          h(
            "ul",
            null,
            ...edge.events
              .slice(-20)
              .reverse()
              .map((e) =>
                h(
                  "li",
                  null,
                  h("time", null, e.at ? clockTime(Date.parse(e.at)) : ""),
                  ` ${e.kind}`,
                  e.origin ? ` ${e.origin}` : "",
                  `: ${e.detail}`,
                ),
              ),
          ),
        )
      : null,
  );
}
