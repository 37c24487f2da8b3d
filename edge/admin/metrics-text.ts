import { EDGE_METRICS } from "../../contracts/metric-names.ts";
import type { EdgeState, Routing } from "../state/edge-state.ts";
import { originLatencyMs } from "../state/edge-state.ts";
import { DURATION_BUCKETS } from "../state/edge-metrics.ts";

const escape = (value: string): string =>
  value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
const labels = (pairs: Record<string, string>): string => {
  const text = Object.entries(pairs)
    .map(([key, value]) => `${key}="${escape(value)}"`)
    .join(",");
  return text ? `{${text}}` : "";
};

/** Accumulates one metric family: HELP, TYPE, then samples. */
class Family {
  readonly lines: string[];
  constructor(name: string, type: "counter" | "gauge" | "histogram", help: string) {
    this.lines = [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`];
  }
  add(name: string, pairs: Record<string, string>, value: number): void {
    this.lines.push(`${name}${labels(pairs)} ${Number.isFinite(value) ? value : 0}`);
  }
}

/** GET /__lb/metrics: this isolate's metrics in the Prometheus text format (0.0.4). On Cloudflare
 * each scrape reaches one of many isolates, so this is one isolate's view, for local runs and
 * debugging; the fleet's view is the ANALYTICS dataset (docs/architecture.md, "Edge analytics"). */
export function renderMetrics(state: EdgeState, routing: Routing | null, now: number): string {
  const m = state.metrics;
  const n = EDGE_METRICS;
  const families: Family[] = [];
  const family = (name: string, type: "counter" | "gauge" | "histogram", help: string): Family => {
    const f = new Family(name, type, help);
    families.push(f);
    return f;
  };
  const requests = family(
    n.requests,
    "counter",
    'Client requests answered, by pool, origin and status code (pool/origin "none" when the edge answered itself).',
  );
  const durations = family(
    n.requestDuration,
    "histogram",
    "Time from a client request to the answer's headers, retries included, in seconds.",
  );
  for (const e of m.series.values()) {
    if (e.count === 0) continue;
    for (const [code, value] of e.codes)
      requests.add(n.requests, { pool: e.pool, origin: e.origin, code: String(code) }, value);
    let cumulative = 0;
    DURATION_BUCKETS.forEach((bound, k) => {
      cumulative += e.buckets[k] ?? 0;
      durations.add(
        `${n.requestDuration}_bucket`,
        { pool: e.pool, origin: e.origin, le: String(bound) },
        cumulative,
      );
    });
    durations.add(`${n.requestDuration}_bucket`, { pool: e.pool, origin: e.origin, le: "+Inf" }, e.count);
    durations.add(`${n.requestDuration}_sum`, { pool: e.pool, origin: e.origin }, e.sum);
    durations.add(`${n.requestDuration}_count`, { pool: e.pool, origin: e.origin }, e.count);
  }
  const errors = family(
    n.upstreamErrors,
    "counter",
    "Failed tries by origin and kind (connect, timeout, status = a 5xx answer).",
  );
  for (const e of m.upstreamErrors.values())
    errors.add(n.upstreamErrors, { origin: e.origin, kind: e.kind }, e.value);
  const retries = family(n.retries, "counter", "Retries, by the origin whose failed try caused them.");
  for (const [origin, value] of m.retries) retries.add(n.retries, { origin }, value);
  const ejections = family(n.ejections, "counter", "Passive ejections by origin.");
  for (const [origin, value] of m.ejections) ejections.add(n.ejections, { origin }, value);
  const rejected = family(n.rejected, "counter", "Requests the edge answered itself, by reason.");
  for (const [reason, value] of m.rejected) rejected.add(n.rejected, { reason }, value);
  family(
    n.retryBudgetExhausted,
    "counter",
    "Failed tries not retried because the retry budget was spent.",
  ).add(n.retryBudgetExhausted, {}, m.retryBudgetExhausted);
  family(
    n.analyticsWriteFailures,
    "counter",
    "Analytics Engine data points that could not be written (the requests were answered).",
  ).add(n.analyticsWriteFailures, {}, m.analyticsWriteFailures);
  if (routing) {
    const { table, plan } = routing;
    family(n.panic, "gauge", "1 while too few origins are healthy and health is ignored (panic mode).").add(
      n.panic,
      {},
      plan.panic ? 1 : 0,
    );
    const ejected = family(n.ejected, "gauge", "1 while the origin is ejected by passive outlier detection.");
    const healthy = family(n.healthy, "gauge", "1 while active health checks find the origin healthy.");
    const weight = family(
      n.weight,
      "gauge",
      "Effective weight: operator weight x overlay factor x slow-start ramp (0 when not serving).",
    );
    const inflight = family(n.inflight, "gauge", "Requests in flight to the origin from this isolate.");
    const latency = family(n.latencyEwma, "gauge", "Peak-EWMA latency estimate of the origin, in seconds.");
    for (const origin of table.origins) {
      const runtime = routing.runtimes[origin.index];
      const label = { origin: origin.id };
      ejected.add(n.ejected, label, (runtime?.ejection.ejectedUntil ?? 0) > now ? 1 : 0);
      healthy.add(n.healthy, label, runtime?.healthy === false ? 0 : 1);
      weight.add(n.weight, label, plan.weights[origin.index] ?? 0);
      inflight.add(n.inflight, label, runtime?.load.inflight ?? 0);
      latency.add(n.latencyEwma, label, originLatencyMs(routing, origin.index, now) / 1000);
    }
  }
  return `${families.map((f) => f.lines.join("\n")).join("\n")}\n`;
}
