import { retriesLeft } from "../resilience/retry-budget.ts";
import { rampFactor } from "../resilience/slow-start.ts";
import type { DocumentProblem } from "../state/document-store.ts";
import type { EdgeState, Routing } from "../state/edge-state.ts";
import { originLatencyMs } from "../state/edge-state.ts";

const iso = (ms: number): string => new Date(ms).toISOString();
const round = (value: number, digits = 3): number => Math.round(value * 10 ** digits) / 10 ** digits;

function problemView(problem: DocumentProblem) {
  return {
    document: problem.document,
    message: problem.message,
    since: iso(problem.since),
    ...(problem.issues ? { issues: problem.issues } : {}),
  };
}

/** Which of the fleet-wide bindings the Worker has. */
export type FleetBindings = { rateLimiter: boolean; analytics: boolean };

/** What enforces the table's rate limit: the RATE_LIMITER binding (fleet-wide), the isolate's
 * token bucket (the fallback without the binding), or nothing (the table sets no limit). */
function rateLimiting(routing: Routing | null, bindings: FleetBindings) {
  const limit = routing?.table.config.rateLimit ?? null;
  if (!limit) return { enforcedBy: "off" as const };
  return {
    enforcedBy: bindings.rateLimiter ? ("binding" as const) : ("isolate-token-bucket" as const),
    by: limit.by,
    ...(limit.by === "header" ? { header: limit.header } : {}),
    ...(limit.paths.length > 0 ? { paths: limit.paths } : {}),
  };
}

/** GET /__lb/status: this isolate's view of every pool and origin, and its recent state changes. */
export function statusView(state: EdgeState, routing: Routing | null, now: number, bindings: FleetBindings) {
  const base = {
    now: iso(now),
    rateLimit: rateLimiting(routing, bindings),
    analytics: bindings.analytics
      ? "writing one data point per request to the ANALYTICS dataset"
      : "off (no ANALYTICS binding)",
    problems: state.store.problems.map(problemView),
    events: state.events.list().map((event) => ({ ...event, at: iso(event.at) })),
  };
  if (!routing) return { ...base, table: null, pools: [], origins: [] };
  const { table, plan, documents } = routing;
  const config = table.config;
  const overlay = documents.overlay;
  const health = documents.health;
  return {
    ...base,
    table: {
      version: table.version,
      updatedAt: table.source.updatedAt,
      origins: table.origins.length,
      pools: table.pools.length,
    },
    weights: overlay
      ? {
          version: overlay.version,
          expiresAt: overlay.expiresAt,
          active: routing.overlayActive,
          ...(overlay.reason ? { reason: overlay.reason } : {}),
        }
      : null,
    health: health ? { checkedAt: health.checkedAt, fresh: routing.healthFresh } : null,
    panic: plan.panic,
    healthyShare: round(plan.healthyShare),
    retryBudget: {
      retriesLeft: retriesLeft(state.budget, now, config.retry),
      exhaustedTotal: state.metrics.retryBudgetExhausted,
    },
    settings: config,
    pools: table.pools.map((pool) => {
      const poolPlan = plan.pools[pool.index];
      return {
        name: pool.name,
        latencyMs: round(routing.load.poolLatency[pool.index]?.ewmaMs ?? 0),
        fallback: pool.fallback >= 0 ? (table.pools[pool.fallback]?.name ?? null) : null,
        minHealthy: pool.minHealthy,
        serving: poolPlan?.serving ?? 0,
        eligible: poolPlan?.eligible ?? 0,
        passedOver: !(poolPlan?.qualifies ?? false),
        spill: routing.spill?.[pool.index] ?? 0,
      };
    }),
    origins: table.origins.map((origin) => {
      const runtime = routing.runtimes[origin.index];
      const ejection = runtime?.ejection;
      const ejected = (ejection?.ejectedUntil ?? 0) > now;
      const load = runtime?.load;
      const ramp = rampFactor(runtime?.rampStart ?? -Infinity, now, config.slowStartMs);
      return {
        id: origin.id,
        pool: table.pools[origin.pool]?.name ?? "",
        enabled: origin.enabled,
        weight: origin.weight,
        factor: routing.overlayActive ? (overlay?.factors[origin.id] ?? 1) : 1,
        effectiveWeight: round(plan.weights[origin.index] ?? 0),
        slowStart: ramp.factor < 1 ? round(ramp.factor, 2) : null,
        healthy: runtime?.healthy ?? true,
        serving: (plan.serving[origin.index] ?? 0) === 1,
        ejected,
        ejectedUntil: ejected && ejection ? iso(ejection.ejectedUntil) : null,
        ejections: ejection?.ejections ?? 0,
        consecutiveFailures: ejection?.consecutiveFailures ?? 0,
        latencyEwmaMs: round(originLatencyMs(routing, origin.index, now)),
        inflight: load?.inflight ?? 0,
      };
    }),
  };
}
