import type { Info } from "./api.ts";
import { ApiError, api } from "./api.ts";
import { byId, h, replace } from "./dom.ts";
import type { EdgeView } from "./edge-view.ts";
import { readEdgeView } from "./edge-view.ts";
import { clockTime, duration } from "./format.ts";
import type { ViewContext } from "./live-view.ts";
import { LiveView } from "./live-view.ts";
import type { PoolEntry } from "./pool-model.ts";
import { buildPools } from "./pool-model.ts";
import { ReviewView } from "./review-view.ts";
import { redisStatus } from "./redis-status.ts";
import { scalerStatus } from "./scaler-status.ts";
import type { SloSources } from "./slo-source.ts";
import { sloTitle } from "./slo-source.ts";
import type { Route } from "./route.ts";
import { parseRoute, routeHash } from "./route.ts";
import { TokenStore } from "./token-store.ts";

/** Seconds between refreshes: the live view follows the data; the review changes slowly. */
const REFRESH_MS = { live: 5_000, review: 30_000 } as const;

const status = byId("status", HTMLElement);
const scalerChip = byId("scaler-status", HTMLElement);
const redisChip = byId("redis-status", HTMLElement);
const banner = byId("banner", HTMLElement);
const poolNav = byId("pools", HTMLElement);
const rangeNav = byId("range", HTMLElement);
const viewHost = byId("view", HTMLElement);
const problemsHost = byId("problems", HTMLElement);
const tokens = new TokenStore();

let info: Info | null = null;
let clockSkew = 0;
let view: { kind: Route["view"]; instance: LiveView | ReviewView } | null = null;
let edgeTable: { version: number | null; table: unknown } = { version: null, table: null };
let sloSources: SloSources = { sources: {}, file: null };
let timer: number | undefined;
let generation = 0;

/** Shows (or clears) the page-wide problem line. */
function showBanner(message: string | null): void {
  banner.hidden = message === null;
  banner.textContent = message ?? "";
}

function setStatus(text: string, tone: "ok" | "busy" | "bad"): void {
  status.textContent = text;
  status.className = `status ${tone}`;
}

/** The scaler chip next to the status: evaluating, silent, or never seen. */
function setScalerStatus(current: Info, now: number): void {
  const { text, tone, title } = scalerStatus(current.scaler, now);
  scalerChip.hidden = false;
  scalerChip.textContent = text;
  scalerChip.title = title;
  scalerChip.className = `status scaler ${tone}`;
  // Shown only after Redis lost its data: charts starting anew would otherwise look like a new deployment.
  const redis = redisStatus(current.redisEpoch, now);
  redisChip.hidden = redis === null;
  redisChip.textContent = redis?.text ?? "";
  redisChip.title = redis?.title ?? "";
}

/** The Worker's status (and its table when the version moved), or why not. */
async function readEdge(): Promise<{ edge: EdgeView | null; error: string | null }> {
  if (!info?.edge.configured) return { edge: null, error: null };
  try {
    const statusDoc = await api.edgeStatus();
    const version = readEdgeView(statusDoc, null).tableVersion;
    if (version !== edgeTable.version || edgeTable.table === null)
      edgeTable = { version, table: await api.edgeTable().catch(() => null) };
    return { edge: readEdgeView(statusDoc, edgeTable.table), error: null };
  } catch (error) {
    return {
      edge: null,
      error: `Cannot read the edge: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

function renderToolbar(
  route: Route,
  pools: readonly PoolEntry[],
  selected: PoolEntry | null,
  options: readonly number[],
): void {
  replace(
    poolNav,
    ...pools.map((pool) => {
      const link = h(
        "a",
        {
          class: `pool-tab${pool === selected ? " active" : ""}`,
          attrs: {
            href: routeHash({ ...route, pool: pool.key }),
            "aria-current": pool === selected ? "page" : undefined,
          },
        },
        h("span", { class: "pool-label" }, pool.label),
        pool.slo
          ? h("span", {
              class: `mode-dot mode-${pool.slo.mode}`,
              attrs: { title: sloTitle(pool.slo.pool, pool.slo.mode, sloSources) },
            })
          : null,
      );
      return link;
    }),
  );
  if (pools.length === 0) replace(poolNav, h("span", { class: "muted" }, "No pools yet"));
  replace(
    rangeNav,
    h("span", { class: "range-label" }, "Window"),
    ...options.map((minutes) =>
      h(
        "a",
        {
          class: `range-option${minutes === route.minutes ? " active" : ""}`,
          attrs: {
            href: routeHash({ ...route, minutes }),
            "aria-current": minutes === route.minutes ? "true" : undefined,
          },
        },
        duration(minutes * 60).replace(".0", ""),
      ),
    ),
  );
  for (const id of ["nav-live", "nav-review"] as const)
    byId(id, HTMLAnchorElement).classList.toggle("active", id === `nav-${route.view}`);
  byId("nav-live", HTMLAnchorElement).href = routeHash({ ...route, view: "live", minutes: null });
  byId("nav-review", HTMLAnchorElement).href = routeHash({ ...route, view: "review", minutes: null });
}

/** The window choices of a view, within what the predictor keeps. */
function windowOptions(kind: Route["view"], current: Info): number[] {
  const kept =
    kind === "review" && current.history
      ? Math.min(current.history.retentionSeconds, current.retentionSeconds)
      : current.retentionSeconds;
  const keep = Math.max(1, Math.floor(kept / 60));
  const all = kind === "live" ? [15, 60, 360, 1440] : [60, 360, 1440];
  const options = all.filter((m) => m <= keep);
  // A retention between two choices is a choice of its own: "everything kept".
  return keep < (all[all.length - 1] ?? 0) && !options.includes(keep) ? [...options, keep] : options;
}

function defaultWindow(kind: Route["view"], current: Info, options: readonly number[]): number {
  if (kind === "review") return options.includes(1440) ? 1440 : (options[options.length - 1] ?? 60);
  const wanted = (current.horizonSteps * current.stepSeconds * 4) / 60;
  return options.find((m) => m >= wanted) ?? options[options.length - 1] ?? 60;
}

async function renderProblems(edgeError: string | null): Promise<void> {
  const items: HTMLElement[] = [];
  if (edgeError && info?.edge.configured) items.push(h("li", null, edgeError));
  try {
    // `current` is absent from a predictor older than this page.
    const { errors, current = [] } = await api.scrapeErrors(5);
    // A source failing now stays listed for as long as it fails (its error is recorded once).
    for (const p of current)
      items.push(
        h(
          "li",
          null,
          h("time", null, clockTime(Date.parse(p.since))),
          ` ${p.metric ? `the ${p.metric} series of ${p.origin}` : `scraping ${p.origin}`} fails (${p.target}): ${p.message}`,
        ),
      );
    const failing = new Set(current.map((p) => p.target));
    const recent = errors.filter(
      (e) => !failing.has(e.target) && Date.now() + clockSkew - Date.parse(e.at) < 10 * 60_000,
    );
    for (const e of recent)
      items.push(
        h(
          "li",
          null,
          h("time", null, clockTime(Date.parse(e.at))),
          ` scrape of ${e.origin} (${e.target}) failed: ${e.error}`,
        ),
      );
  } catch {
    // The banner already says when the predictor cannot be reached.
  }
  problemsHost.hidden = items.length === 0;
  replace(problemsHost, h("h2", null, "Problems"), h("ul", null, ...items));
}

/** One refresh: the shared data, then the current view's. Results of an older refresh that
 * finish late are dropped. */
async function refresh(): Promise<void> {
  const mine = ++generation;
  window.clearTimeout(timer);
  const route = parseRoute(location.hash);
  setStatus("Refreshing…", "busy");
  try {
    // Read each time: cheap, and it follows a restarted predictor's settings and clock.
    const asked = Date.now();
    const current = await api.info();
    info = current;
    clockSkew = Math.round(Date.parse(current.now) - (asked + Date.now()) / 2);
    const [slos, origins, edge] = await Promise.all([api.slos(), api.origins(), readEdge()]);
    if (mine !== generation) return;
    sloSources = { sources: slos.sources, file: slos.file };
    const pools = buildPools(edge.edge, slos.slos, origins);
    const selected = pools.find((p) => p.key === route.pool) ?? pools[0] ?? null;
    const options = windowOptions(route.view, current);
    const minutes =
      route.minutes !== null && options.includes(route.minutes)
        ? route.minutes
        : defaultWindow(route.view, current, options);
    renderToolbar({ ...route, pool: selected?.key ?? null, minutes }, pools, selected, options);
    if (!selected) {
      view?.instance.dispose();
      view = null;
      replace(
        viewHost,
        h(
          "div",
          { class: "card empty-state" },
          h("h2", null, "Nothing recorded yet"),
          h(
            "p",
            null,
            "The predictor has no series and the edge lists no pools. Once the predictor scrapes its targets (see its --targets file), their load, latency and forecasts appear here.",
          ),
        ),
      );
    } else {
      if (view?.kind !== route.view) {
        view?.instance.dispose();
        view = {
          kind: route.view,
          instance:
            route.view === "live" ? new LiveView(tokens, current.writes, onChanged) : new ReviewView(),
        };
        viewHost.replaceChildren(view.instance.element);
      }
      const ctx: ViewContext = {
        info: current,
        pool: selected,
        edge: edge.edge,
        edgeError: edge.error,
        minutes,
        now: Date.now() + clockSkew,
        current: () => mine === generation,
      };
      await view.instance.update(ctx);
    }
    if (mine !== generation) return;
    await renderProblems(edge.error);
    showBanner(null);
    setStatus(
      `Live · updated ${clockTime(Date.now() + clockSkew)} UTC · every ${REFRESH_MS[route.view] / 1000} s`,
      "ok",
    );
    setScalerStatus(current, Date.now() + clockSkew);
  } catch (error) {
    if (mine !== generation) return;
    const message =
      error instanceof ApiError ? error.message : error instanceof Error ? error.message : String(error);
    showBanner(
      `Cannot refresh: ${message}. Retrying in ${REFRESH_MS[route.view] / 1000} s; what is shown is from the last successful refresh.`,
    );
    setStatus("Offline · retrying", "bad");
  } finally {
    if (mine === generation) schedule(route.view);
  }
}

function schedule(kind: Route["view"]): void {
  window.clearTimeout(timer);
  timer = window.setTimeout(() => {
    if (!document.hidden) void refresh();
    else schedule(kind);
  }, REFRESH_MS[kind]);
}

/** After the operator saved an SLO or changed a scheduled event: show it at once. */
function onChanged(): void {
  void refresh();
}

window.addEventListener("hashchange", () => {
  void refresh();
});
document.addEventListener("visibilitychange", () => {
  if (!document.hidden) void refresh();
});
void refresh();
