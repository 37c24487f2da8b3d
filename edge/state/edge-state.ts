import { isOverlayActive } from "../../contracts/weights-overlay.ts";
import type { LoadView, PoolEstimate } from "../balancing/load.ts";
import { estimatedLatency, observeTry } from "../balancing/origin-estimates.ts";
import { DEFAULT_DECAY_MS } from "../balancing/peak-ewma.ts";
import type { BalancingStrategy } from "../balancing/strategy.ts";
import type { WindowCounts } from "../resilience/outlier-checks.ts";
import { emptyCounts } from "../resilience/outlier-checks.ts";
import type { FailureKind } from "../resilience/retry-policy.ts";
import type { RetryBudget } from "../resilience/retry-budget.ts";
import { createRetryBudget } from "../resilience/retry-budget.ts";
import { TokenBuckets } from "../resilience/token-bucket.ts";
import type { CompiledTable } from "../routing/compiled-table.ts";
import type { ClientLocation } from "../routing/geo.ts";
import { locationKey, orderPools, poolSequence } from "../routing/geo.ts";
import type { OriginStanding, RoutingPlan } from "../routing/routing-plan.ts";
import { buildRoutingPlan, isServing } from "../routing/routing-plan.ts";
import type { DocumentStore, Documents } from "./document-store.ts";
import type { RequestSeries } from "./edge-metrics.ts";
import { EdgeMetrics } from "./edge-metrics.ts";
import { EventLog } from "./events.ts";
import type { OriginRuntime } from "./origin-runtime.ts";
import { OriginRuntimes, forgetOnRestore } from "./origin-runtime.ts";
import { judgeTry } from "./outlier-judge.ts";

/** Everything a request routes with, valid until the plan's `validUntil`. */
export type Routing = {
  readonly documents: Documents;
  readonly table: CompiledTable;
  readonly plan: RoutingPlan;
  /** Runtimes by origin index of `table`. */
  readonly runtimes: readonly OriginRuntime[];
  readonly load: LoadView;
  /** Spill shares by pool index, from an active overlay. */
  readonly spill: Float64Array | null;
  readonly overlayActive: boolean;
  readonly healthFresh: boolean;
  readonly builtAt: number;
  /** Metric series by origin index of `table`, looked up once per table version. */
  readonly series: readonly RequestSeries[];
};

/** How one try ended, as the balancer learns from it. */
export type TryOutcome = { failure: FailureKind | null; rttMs: number | null };

const SEQUENCE_CACHE_LIMIT = 4_096;

/** An origin's latency estimate at `now`, as the balancer compares it (ms): the smoothed
 * estimate with its warm-up prior, decayed toward the pool's typical latency while unobserved. */
export function originLatencyMs(routing: Routing, origin: number, now: number): number {
  const load = routing.runtimes[origin]?.load;
  const pool = routing.table.origins[origin]?.pool ?? -1;
  if (!load) return 0;
  return estimatedLatency(load, routing.load.poolLatency[pool], now, routing.load);
}

/**
 * This isolate's balancer: the cached documents, each origin's runtime, the routing plan (rebuilt
 * only when an input changes), the retry budget, rate-limit buckets, events and metrics. The
 * algorithms it calls are pure; this class is where their state lives between requests.
 */
export class EdgeState {
  readonly runtimes = new OriginRuntimes();
  readonly metrics = new EdgeMetrics();
  readonly events = new EventLog();
  readonly budget: RetryBudget = createRetryBudget();
  readonly rateLimits = new TokenBuckets();
  private current: Routing | null = null;
  private currentEpoch = -1;
  private epoch = 0;
  private lastTable: CompiledTable | null = null;
  private tableRuntimes: OriginRuntime[] = [];
  private tableLoad: LoadView | null = null;
  private tableSeries: RequestSeries[] = [];
  private poolLatency: PoolEstimate[] = [];
  private poolCounts: WindowCounts[] = [];
  private panic = false;
  private readonly sequences = new WeakMap<CompiledTable, Map<string, Int32Array>>();

  constructor(
    readonly store: DocumentStore,
    readonly strategy: BalancingStrategy,
  ) {}

  /** The routing at `now`, or null when no valid table was ever loaded. */
  async routing(now: number): Promise<Routing | null> {
    return this.routingFrom(await this.store.current(now), now);
  }

  /** The routing at `now` when the cached documents can answer without reading KV, else null
   * (then `routing` reads them). */
  routingNow(now: number): Routing | null {
    const documents = this.store.cachedAt(now);
    return documents ? this.routingFrom(documents, now) : null;
  }

  /** The routing for these documents at `now`, rebuilding the plan only when something changed. */
  routingFrom(documents: Documents, now: number): Routing | null {
    const table = documents.table;
    if (!table) return null;
    const cached = this.current;
    if (
      cached &&
      cached.documents === documents &&
      this.currentEpoch === this.epoch &&
      now < cached.plan.validUntil &&
      now >= cached.builtAt
    )
      return cached;
    this.current = this.rebuild(table, documents, now);
    this.currentEpoch = this.epoch;
    return this.current;
  }

  /** The pool sequence for a client location (cached per table and location). */
  sequence(table: CompiledTable, location: ClientLocation): Int32Array {
    let cache = this.sequences.get(table);
    if (!cache) {
      cache = new Map();
      this.sequences.set(table, cache);
    }
    const key = locationKey(location);
    let sequence = cache.get(key);
    if (!sequence) {
      if (cache.size >= SEQUENCE_CACHE_LIMIT) cache.clear();
      sequence = poolSequence(table.pools, orderPools(table.pools, location));
      cache.set(key, sequence);
    }
    return sequence;
  }

  /** A try to `origin` begins. */
  tryStarted(routing: Routing, origin: number): void {
    const runtime = routing.runtimes[origin];
    if (runtime) runtime.load.inflight++;
  }

  /** A try to `origin` no longer occupies it: failed, or its answer's body has been streamed
   * (an answer still streaming is still load, and counts toward the in-flight cap). */
  tryFinished(routing: Routing, origin: number): void {
    const runtime = routing.runtimes[origin];
    if (runtime) runtime.load.inflight = Math.max(0, runtime.load.inflight - 1);
  }

  /** A try to `origin` got its answer's headers, an error or a timeout: what the balancer learns
   * (latency, failure share) and the outlier checks (consecutive failures, success rate, latency). */
  tryEnded(routing: Routing, origin: number, outcome: TryOutcome, now: number): void {
    const runtime = routing.runtimes[origin];
    const compiled = routing.table.origins[origin];
    if (!runtime || !compiled) return;
    const failed = outcome.failure !== null;
    const poolLatency = routing.load.poolLatency[compiled.pool];
    observeTry(runtime.load, poolLatency, { rttMs: outcome.rttMs, failed }, now, routing.load);
    const counts = this.poolCounts[compiled.pool];
    for (const verdict of judgeTry(routing, runtime, compiled.pool, outcome, counts, now)) {
      if (verdict.change === "ejected") {
        runtime.ejectedSeen = true;
        this.epoch++;
        this.metrics.ejection(runtime.id);
        const seconds = Math.round((verdict.state.ejectedUntil - now) / 1000);
        this.events.record({
          at: now,
          kind: "ejected",
          origin: runtime.id,
          detail: `${verdict.why}; ejected for ${seconds} s (ejection #${verdict.state.ejections})`,
        });
      } else {
        this.events.record({
          at: now,
          kind: "ejection-capped",
          origin: runtime.id,
          detail: `would be ejected (${verdict.why}), but ${verdict.pool.ejected} of the pool's ${verdict.pool.size} origins already are (maxShare ${routing.table.config.ejection.maxShare})`,
        });
      }
    }
  }

  /** Notes that a retry was refused by the budget. */
  retryBudgetExhausted(now: number): void {
    this.metrics.retryBudgetExhausted++;
    this.events.record({
      at: now,
      kind: "retry-budget-exhausted",
      detail: "a failed try was not retried: the retry budget is spent",
    });
  }

  private rebuild(table: CompiledTable, documents: Documents, now: number): Routing {
    if (table !== this.lastTable) {
      const joinsLater = this.lastTable !== null;
      this.tableRuntimes = table.origins.map((origin) => this.runtimes.get(origin.id, joinsLater));
      this.runtimes.keepOnly(new Set(table.originById.keys()));
      this.poolLatency = table.pools.map(() => ({ ewmaMs: 0, ewmaAt: 0, samples: 0 }));
      this.poolCounts = table.pools.map(() => emptyCounts());
      this.tableSeries = table.origins.map((origin) =>
        this.metrics.seriesFor(table.pools[origin.pool]?.name ?? "", origin.id),
      );
      this.tableLoad = {
        loads: this.tableRuntimes.map((runtime) => runtime.load),
        poolLatency: this.poolLatency,
        maxInFlight: table.config.maxInFlight,
        decayMs: DEFAULT_DECAY_MS,
        knobs: table.config.balancing,
      };
      this.lastTable = table;
    }
    const { overlay, health } = documents;
    const overlayActive = overlay !== null && isOverlayActive(overlay, now);
    const healthExpiry = health
      ? Date.parse(health.checkedAt) + table.config.healthCheck.staleAfterMs
      : -Infinity;
    const healthFresh = health !== null && healthExpiry > now;
    let expiresAt = Infinity;
    if (overlayActive) expiresAt = Math.min(expiresAt, Date.parse(overlay.expiresAt));
    if (healthFresh) expiresAt = Math.min(expiresAt, healthExpiry);
    const standings = table.origins.map((origin, index): OriginStanding => {
      const runtime = this.tableRuntimes[index] ?? this.runtimes.get(origin.id, false);
      if (runtime.ejectedSeen && runtime.ejection.ejectedUntil <= now) {
        runtime.ejectedSeen = false;
        forgetOnRestore(runtime);
        this.events.record({
          at: now,
          kind: "restored",
          origin: origin.id,
          detail: "ejection time over; back in rotation through slow start",
        });
      }
      const healthy = healthFresh ? (health.origins[origin.id]?.healthy ?? true) : true;
      if (healthy !== runtime.healthy) {
        runtime.healthy = healthy;
        this.events.record({
          at: now,
          kind: "health-changed",
          origin: origin.id,
          detail: healthy ? "active checks: healthy" : "active checks: unhealthy",
        });
      }
      const factor = overlayActive ? (overlay.factors[origin.id] ?? 1) : 1;
      const standing = {
        healthy,
        ejectedUntil: runtime.ejection.ejectedUntil,
        rampStart: runtime.rampStart,
        factor,
      };
      const serving = isServing(table, index, standing, now);
      if (serving && !runtime.serving && runtime.known) runtime.rampStart = now;
      runtime.serving = serving;
      runtime.known = true;
      return { ...standing, rampStart: runtime.rampStart };
    });
    const plan = buildRoutingPlan(table, standings, now, expiresAt);
    if (plan.panic !== this.panic) {
      this.panic = plan.panic;
      const share = `${Math.round(plan.healthyShare * 100)} % of origins healthy (threshold ${Math.round(table.config.panicThreshold * 100)} %)`;
      this.events.record({
        at: now,
        kind: plan.panic ? "panic" : "panic-over",
        detail: plan.panic
          ? `${share}: routing to every enabled origin, ignoring health`
          : `${share}: health is honoured again`,
      });
    }
    const spillShares = overlayActive ? overlay.spill : undefined;
    const spill = spillShares ? Float64Array.from(table.pools, (pool) => spillShares[pool.name] ?? 0) : null;
    const load = this.tableLoad ?? {
      loads: [],
      poolLatency: [],
      maxInFlight: 0,
      decayMs: DEFAULT_DECAY_MS,
      knobs: table.config.balancing,
    };
    return {
      documents,
      table,
      plan,
      runtimes: this.tableRuntimes,
      load,
      spill,
      overlayActive,
      healthFresh,
      builtAt: now,
      series: this.tableSeries,
    };
  }
}
