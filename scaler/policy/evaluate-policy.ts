import type { Decision, OriginTable, Pool, ScheduledEvent, WeightsOverlay } from "../../contracts/index.ts";
import { isOverlayActive } from "../../contracts/index.ts";
import { poolDecisions } from "./decision-text.ts";
import { NoticeBoard } from "./notices.ts";
import type { OriginView } from "./origin-view.ts";
import { capacityAt, viewOrigin } from "./origin-view.ts";
import { leadWindow, planPool } from "./plan-pool.ts";
import { poolDemand } from "./pool-demand.ts";
import { clock, duration, replicas } from "./reasons.ts";
import { adaptSizingQuantile, adapts, sizingQuantileOf, tradeOffOf } from "./trade-off.ts";
import type { PolicyInput, PolicyOutcome, PolicyState, PoolWeights, ScaleCall } from "./types.ts";

/**
 * The scaling policy: a pure function of the forecasts, SLOs, origin table, capacity, the
 * policy's memory and the time. Per pool with an SLO in `act` or `advise` mode it sizes each
 * origin for the load forecast a lead time ahead and sets weights that keep every origin under
 * its target utilisation until the replicas arrive. `advise` decides the same and changes
 * nothing; `off` leaves the pool alone (and drops any weights the scaler set on it).
 */
export function evaluatePolicy(input: PolicyInput): PolicyOutcome {
  const { now, table, tuning } = input;
  const state: PolicyState = structuredClone(input.state);
  state.evaluations += 1;
  const at = new Date(now).toISOString();
  const notices = new NoticeBoard(state, at);
  const live = input.overlay && isOverlayActive(input.overlay, now) ? input.overlay : null;
  const views = buildViews(input, state, notices);
  raiseProblems(input, notices);
  reportStrays(input, notices);
  const decisions: Decision[] = [];
  const scale: ScaleCall[] = [];
  const weightDecisions: Decision[] = [];
  const actWeights = new Map<string, PoolWeights>();
  for (const pool of table.pools) {
    const slo = input.slos[pool.name];
    if (!slo || slo.mode === "off") continue;
    const memory = (state.pools[pool.name] ??= {});
    const baseline =
      slo.mode === "act" ? overlayWeights(live, pool) : (memory.advised ?? { factors: {}, spill: 0 });
    const fallbackHeadroom =
      pool.fallback === undefined ? null : headroomOf(table, pool.fallback, input, views, live);
    const plan = planPool(pool, {
      now,
      slo,
      tuning,
      state,
      notices,
      views,
      baseline,
      memory,
      liveSpill: live?.spill?.[pool.name] ?? 0,
      fallbackHeadroom,
      events: eventsOf(input, pool.name),
    });
    const weights = plan?.weights ? { factors: plan.weights.factors, spill: plan.weights.spill } : baseline;
    if (slo.mode === "act") {
      actWeights.set(pool.name, weights);
      delete memory.advised;
    } else memory.advised = weights;
    if (!plan) continue;
    const made = poolDecisions(pool, slo, plan, baseline, state.evaluations, at, tuning.hysteresis);
    for (const change of plan.changes) {
      const decision = made.scale.get(change.origin);
      const seq = state.origins[change.origin]?.seq ?? 0;
      if (!decision) continue;
      if (slo.mode === "act")
        scale.push({
          origin: change.origin,
          pool: pool.name,
          from: change.from,
          to: change.to,
          seq,
          decision,
        });
      else decisions.push(decision);
    }
    if (made.weights) (slo.mode === "act" ? weightDecisions : decisions).push(made.weights);
  }
  state.pools = Object.fromEntries(
    Object.entries(state.pools).filter(([name]) => (input.slos[name]?.mode ?? "off") !== "off"),
  );
  const known = new Set(table.pools.flatMap((p) => p.origins.map((o) => o.id)));
  state.origins = Object.fromEntries(Object.entries(state.origins).filter(([id]) => known.has(id)));
  notices.settle();
  const weights = composeOverlay(input, live, actWeights, weightDecisions, state);
  return { state, decisions: [...notices.decisions, ...decisions], reports: notices.reports, scale, weights };
}

/** Reports invalid stored data once, as a hold of the pool concerned when there is one. */
function raiseProblems(input: PolicyInput, notices: NoticeBoard): void {
  for (const problem of input.problems ?? []) {
    const pool = input.table.pools.find(
      (p) => p.name === problem.pool || p.origins.some((o) => o.id === problem.origin),
    );
    if (pool)
      notices.raise(
        `problem:${problem.key}`,
        pool.name,
        input.slos[pool.name]?.mode ?? "off",
        problem.message,
        problem.origin,
      );
    else notices.report(`problem:${problem.key}`, problem.message);
  }
}

/** An SLO or a scaling configuration that names no pool or origin of the table drives nothing:
 * most often a typo, or a table not yet updated. Reported once, for the log. */
function reportStrays(input: PolicyInput, notices: NoticeBoard): void {
  const pools = input.table.pools.map((pool) => pool.name);
  for (const [name, slo] of Object.entries(input.slos)) {
    if (slo.mode === "off" || pools.includes(name)) continue;
    notices.report(
      `stray-slo:${name}`,
      `the SLO of pool ${name} (${slo.mode}) matches no pool of the origin table (${pools.join(", ")}); it drives nothing`,
    );
  }
  for (const event of input.events ?? []) {
    if (Date.parse(event.end) <= input.now) continue;
    const mode = input.slos[event.pool]?.mode ?? "off";
    if (!pools.includes(event.pool))
      notices.report(
        `stray-event:${event.id}`,
        `scheduled event ${event.id} is for pool ${event.pool}, which matches no pool of the origin table (${pools.join(", ")}); it drives nothing`,
      );
    else if (mode === "off")
      notices.report(
        `idle-event:${event.id}`,
        `scheduled event ${event.id} is for pool ${event.pool}, which has no SLO in act or advise mode; it drives nothing until one is set`,
      );
  }
  // The symptom of a Redis that lost its SLOs: the scaler runs, configured, and decides nothing.
  for (const pool of input.table.pools) {
    const configured = pool.origins.filter((origin) => input.scaling[origin.id] !== undefined);
    if (configured.length === 0 || input.slos[pool.name] !== undefined) continue;
    notices.report(
      `no-slo:${pool.name}`,
      `pool ${pool.name} has origins configured for scaling (${configured.map((o) => o.id).join(", ")}) but no SLO; nothing is decided for it until one is set (PUT /api/slos/${pool.name}, the dashboard, or the predictor's --slos-file)`,
    );
  }
  const origins = new Set(input.table.pools.flatMap((pool) => pool.origins.map((origin) => origin.id)));
  const strays = Object.keys(input.scaling).filter((id) => !origins.has(id));
  if (strays.length > 0)
    notices.report(
      `stray-scaling:${strays.join(",")}`,
      `the scaling configuration names ${strays.join(", ")}, which the origin table does not list; ${strays.length === 1 ? "it is" : "they are"} never resized`,
    );
}

/** Views of every origin, with last requests settled (done, failed or timed out). */
function buildViews(input: PolicyInput, state: PolicyState, notices: NoticeBoard): Map<string, OriginView> {
  const { now } = input;
  const views = new Map<string, OriginView>();
  for (const pool of input.table.pools) {
    const slo = input.slos[pool.name];
    const mode = slo?.mode ?? "off";
    for (const origin of pool.origins) {
      const memory = state.origins[origin.id];
      const view = viewOrigin(
        origin,
        input.scaling[origin.id],
        input.observations[origin.id] ?? {},
        memory,
        input.outcomes[origin.id],
        now,
      );
      // The pool's SLO states its trade-off for every origin of the pool.
      const tradeOff = tradeOffOf(slo ?? {}, input.tuning);
      view.sizingQuantile =
        slo && mode !== "off" && adapts(tradeOff)
          ? adaptSizingQuantile(
              view,
              slo,
              tradeOff,
              input.tuning,
              (state.origins[origin.id] ??= { seq: 0 }),
              now,
            )
          : sizingQuantileOf(memory, tradeOff, input.tuning);
      const request = memory?.request;
      if (memory && request) {
        if (view.requestStatus === "done") delete memory.request;
        if (view.requestStatus === "failed")
          memory.request = { ...request, failedAt: request.failedAt ?? now };
        if (
          view.requestStatus === "failed" &&
          now - (memory.request?.failedAt ?? now) >=
            Math.max(60, input.scaling[origin.id]?.bootSeconds ?? 60) * 1000
        )
          delete memory.request;
        if (view.requestStatus === "timed-out") {
          delete memory.request;
          if (request.mode === "act" && mode !== "off") {
            const serving =
              view.serving === undefined
                ? "no capacity sample has arrived"
                : `${replicas(view.serving)} serve`;
            notices.raise(
              `timeout:${origin.id}:${request.seq}`,
              pool.name,
              mode,
              `asked ${origin.id} for ${replicas(request.replicas)} at ${clock(request.at)} but ${serving} ${duration((now - request.at) / 1000)} later`,
              origin.id,
            );
          }
        }
      }
      views.set(origin.id, view);
    }
  }
  return views;
}

/** A pool's scheduled events that have not ended. */
function eventsOf(input: PolicyInput, pool: string): ScheduledEvent[] {
  return (input.events ?? []).filter((event) => event.pool === pool && Date.parse(event.end) > input.now);
}

/** A pool's weights in the overlay the edge holds now. */
function overlayWeights(live: WeightsOverlay | null, pool: Pool): PoolWeights {
  const factors: Record<string, number> = {};
  for (const origin of pool.origins) {
    const factor = live?.factors[origin.id];
    if (factor !== undefined) factors[origin.id] = factor;
  }
  return { factors, spill: live?.spill?.[pool.name] ?? 0 };
}

/** Load the fallback pool can still take over the horizon at its own target (1 without an SLO);
 * unbounded when its capacity is unknown, since the operator chose it as the place to spill to. */
function headroomOf(
  table: OriginTable,
  name: string,
  input: PolicyInput,
  views: Map<string, OriginView>,
  live: WeightsOverlay | null,
): number {
  const pool = table.pools.find((p) => p.name === name);
  if (!pool) return 0;
  const active = pool.origins
    .filter((o) => o.enabled !== false && o.weight > 0)
    .flatMap((o) => views.get(o.id) ?? []);
  const capacities = active.map((v) => capacityAt(v, input.now));
  if (active.length === 0) return 0;
  if (capacities.some((c) => c === undefined)) return Number.POSITIVE_INFINITY;
  const slo = input.slos[name];
  const target = slo?.targetUtilization ?? 1;
  const end = slo ? leadWindow(slo, input.now, input.tuning).end : input.now + 60_000;
  const demand =
    poolDemand(
      active,
      input.now,
      end,
      input.now,
      live?.spill?.[name] ?? 0,
      input.tuning,
      eventsOf(input, name),
    )?.total ?? 0;
  const capacity = capacities.reduce<number>((sum, c) => sum + (c ?? 0), 0);
  return Math.max(0, target * capacity - demand);
}

/** The overlay to write, if any: when an act pool's weights changed, when it holds weights of
 * pools no longer in act mode, or to refresh a shifted overlay before half its lifetime is gone. */
function composeOverlay(
  input: PolicyInput,
  live: WeightsOverlay | null,
  actWeights: Map<string, PoolWeights>,
  decisions: Decision[],
  state: PolicyState,
): PolicyOutcome["weights"] {
  const factors: Record<string, number> = {};
  const spill: Record<string, number> = {};
  for (const [pool, weights] of actWeights) {
    for (const [id, factor] of Object.entries(weights.factors))
      if (Math.abs(factor - 1) > 1e-9) factors[id] = factor;
    if (weights.spill > 0) spill[pool] = weights.spill;
  }
  const same = (a: Record<string, number>, b: Record<string, number> = {}) =>
    Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, x]) => b[k] === x);
  const liveFactors = Object.fromEntries(
    Object.entries(live?.factors ?? {}).filter(([, f]) => Math.abs(f - 1) > 1e-9),
  );
  const liveSpill = Object.fromEntries(Object.entries(live?.spill ?? {}).filter(([, s]) => s > 0));
  const differs = !same(factors, liveFactors) || !same(spill, liveSpill);
  const shifted = Object.keys(factors).length > 0 || Object.keys(spill).length > 0;
  const ttlMs = input.tuning.overlayTtlSeconds * 1000;
  const expiring = live !== null && Date.parse(live.expiresAt) - input.now < ttlMs / 2;
  if (!differs && !(shifted && expiring)) return null;
  if (!shifted && live === null) return null;
  state.weightsSeq += 1;
  const reason =
    decisions.length > 0
      ? decisions
          .map((d) => d.reason)
          .join("; ")
          .slice(0, 2000)
      : "refreshing the weights before they expire";
  const overlay: WeightsOverlay = {
    version: Math.max((input.overlay?.version ?? 0) + 1, input.now),
    updatedAt: new Date(input.now).toISOString(),
    expiresAt: new Date(input.now + ttlMs).toISOString(),
    factors,
    ...(Object.keys(spill).length > 0 ? { spill } : {}),
    reason,
  };
  return { overlay, seq: state.weightsSeq, decisions };
}
