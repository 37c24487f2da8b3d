import type { Pool, ScheduledEvent, Slo } from "../../contracts/index.ts";
import type { NoticeBoard } from "./notices.ts";
import type { OriginView } from "./origin-view.ts";
import { isScalingOut } from "./origin-view.ts";
import type { PoolDemand } from "./pool-demand.ts";
import { poolDemand } from "./pool-demand.ts";
import { clock, clockRange, duration, percent, replicas, rps } from "./reasons.ts";
import type { ReplicaChange } from "./replica-plan.ts";
import type { Scalable } from "./replica-plan.ts";
import { isScalable, planScaleIn, planScaleOut, replicasFor, scalableLoads } from "./replica-plan.ts";
import type { NeedProfile } from "./excursion.ts";
import { levelWorthHolding } from "./excursion.ts";
import { forecastEnd } from "./forecast-peak.ts";
import type { OriginObservation, PolicyState, PolicyTuning, PoolMemory, PoolWeights } from "./types.ts";
import type { WeightPlan } from "./weight-plan.ts";
import { planWeights } from "./weight-plan.ts";

/** Everything planning one pool needs beyond the pool itself. */
export type PoolContext = {
  now: number;
  slo: Slo;
  tuning: PolicyTuning;
  state: PolicyState;
  notices: NoticeBoard;
  /** Origin views by id, updated in place with the requests this plan makes. */
  views: Map<string, OriginView>;
  baseline: PoolWeights;
  /** The pool's memory (hold deadline), updated in place. */
  memory: PoolMemory;
  liveSpill: number;
  fallbackHeadroom: number | null;
  /** The pool's scheduled events that have not ended. */
  events: readonly ScheduledEvent[];
};

/** One pool's plan: replica changes, its new weights (when they change) and the facts that
 * explain them. */
export type PoolPlan = {
  changes: ReplicaChange[];
  weights: WeightPlan | null;
  window: PoolDemand;
  horizon: PoolDemand;
  capacity: number;
  windowEnd: number;
};

/** Time window the lead looks at: [now + lead, now + lead + one evaluation step]. The next
 * evaluation looks at the stretch after it, so the windows of successive evaluations tile the
 * future, and replicas asked for at any of them have booted when their window arrives (the lead
 * covers the boot time). */
export function leadWindow(slo: Slo, now: number, tuning: PolicyTuning): { start: number; end: number } {
  const start = now + slo.leadSeconds * 1000;
  return { start, end: start + tuning.evaluationSeconds * 1000 };
}

/** Plans one pool: replicas first (so the weights know what will have booted), then weights. */
export function planPool(pool: Pool, ctx: PoolContext): PoolPlan | undefined {
  const { now, slo, tuning, notices } = ctx;
  const active = pool.origins
    .filter((o) => o.enabled !== false && o.weight > 0)
    .flatMap((o) => ctx.views.get(o.id) ?? []);
  if (active.length === 0) return undefined;
  const { start, end } = leadWindow(slo, now, tuning);
  const window = poolDemand(active, start, end, now, ctx.liveSpill, tuning, ctx.events);
  const horizon = poolDemand(active, now, end, now, ctx.liveSpill, tuning, ctx.events);
  if (!window || !horizon) {
    notices.raise(
      `no-data:${pool.name}`,
      pool.name,
      slo.mode,
      `${pool.name} has no usable forecast and no recent observed rps; holding until data arrives`,
    );
    return undefined;
  }
  if (window.forecastMissing.length > 0) {
    notices.raise(
      `forecast:${pool.name}`,
      pool.name,
      slo.mode,
      `no forecast of ${window.forecastMissing.join(", ")} covers ${clockRange(start, end)}; sizing ${window.forecastMissing.length === 1 ? "it" : "them"} on observed load only`,
    );
  }
  for (const view of active) {
    if (view.scaling && view.serving === undefined) {
      notices.raise(
        `capacity:${view.id}`,
        pool.name,
        slo.mode,
        `no recent capacity sample (origin_replicas) for ${view.id}: its replicas are unknown, so it is not resized`,
        view.id,
      );
    }
    if (view.scaling && view.scaling.bootSeconds > slo.leadSeconds) {
      notices.raise(
        `lead:${view.id}`,
        pool.name,
        slo.mode,
        `${pool.name} acts ${duration(slo.leadSeconds)} ahead but ${view.id} takes ${duration(view.scaling.bootSeconds)} to boot: replicas will arrive after the load`,
        view.id,
      );
    }
  }
  const changes = planReplicas(active, window, horizon, ctx, pool.name);
  for (const change of changes) registerRequest(change, ctx);
  const planned = active.flatMap((v) => ctx.views.get(v.id) ?? []);
  const { plan: weights, holdUntil } = planWeights({
    views: planned,
    slo,
    tuning,
    now,
    horizonEnd: end,
    liveSpill: ctx.liveSpill,
    baseline: ctx.baseline,
    holdUntil: ctx.memory.holdUntil,
    fallbackHeadroom: ctx.fallbackHeadroom,
    events: ctx.events,
  });
  if (holdUntil === undefined) delete ctx.memory.holdUntil;
  else ctx.memory.holdUntil = holdUntil;
  if (weights && weights.shortfall > weights.spill + 0.005) {
    const why =
      ctx.fallbackHeadroom === null
        ? "it has no fallback pool"
        : weights.spill >= tuning.maxSpill
          ? `the spill is capped at ${percent(tuning.maxSpill)}`
          : `fallback ${pool.fallback ?? ""} has room for only ${percent(weights.spill)}`;
    notices.raise(
      `headroom:${pool.name}`,
      pool.name,
      slo.mode,
      `${pool.name} lacks capacity for ${percent(weights.shortfall - weights.spill)} of its load from ${clock(weights.at)} and ${why}`,
    );
  }
  const capacity = active.reduce((sum, v) => sum + (v.capacityNow ?? 0), 0);
  return {
    changes,
    weights: weights && changed(weights, ctx.baseline) ? weights : null,
    window,
    horizon,
    capacity,
    windowEnd: end,
  };
}

function planReplicas(
  active: readonly OriginView[],
  window: PoolDemand,
  horizon: PoolDemand,
  ctx: PoolContext,
  pool: string,
): ReplicaChange[] {
  const { now, slo, tuning, state, notices } = ctx;
  const outLoads = scalableLoads(active, window.total, slo.targetUtilization);
  const inLoads = scalableLoads(active, horizon.total, slo.targetUtilization * (1 - tuning.hysteresis));
  const scalable = active.filter(isScalable).filter((v) => !blockedAfterFailure(v, ctx));
  const changes: ReplicaChange[] = [];
  const totalWeight = active.reduce((sum, v) => sum + v.weight, 0);
  // The pool's forecast split over its origins, step by step: read once, when a scale-out is priced.
  let stepLoads: { loads: readonly Map<string, number>[] | undefined } | undefined;
  for (const view of scalable) {
    const load = outLoads.get(view.id) ?? 0;
    const planned = planScaleOut(view, load, slo, tuning);
    // A scale-out for a scheduled event is never priced away: the operator said the load comes.
    const out =
      planned?.trigger === "demand" && tuning.excursionPrice > 0 && window.source.kind !== "event"
        ? priceExcursion(
            planned,
            view,
            (stepLoads ??= { loads: forecastStepLoads(active, ctx) }).loads,
            ctx,
            pool,
          )
        : planned;
    if (out) changes.push(out);
    const share = totalWeight > 0 ? (window.total * view.weight) / totalWeight : 0;
    const needed = replicasFor(share, view.perReplica, slo.targetUtilization);
    if (needed > view.scaling.maxReplicas) {
      const rest = load < share - 1e-6 ? "; the pool's other origins take the rest" : "";
      notices.raise(
        `max:${view.id}`,
        pool,
        slo.mode,
        `${view.id} would need ${replicas(needed)} for its ${rps(share)} share at ${percent(slo.targetUtilization)} but is capped at ${view.scaling.maxReplicas}${rest}`,
        view.id,
      );
    }
  }
  const busy = changes.length > 0 || active.some(isScalingOut);
  for (const view of scalable) {
    const memory = (state.origins[view.id] ??= { seq: 0 });
    const change = planScaleIn(view, inLoads.get(view.id) ?? 0, slo, tuning, memory, busy, now);
    if (change) changes.push(change);
  }
  return changes;
}

/** Longest stretch of forecast an excursion is judged over. */
const EXCURSION_LOOKAHEAD_MS = 2 * 3600_000;

/**
 * A demand scale-out, weighed against what it buys: the origin's need at each evaluation step
 * from the lead window on is its scale-out's own need, then its share of the forecast at each
 * later step (`loads`, undefined when no origin of the pool has a forecast: nothing to weigh),
 * held for a cooldown after the forecast ends. Only the replicas worth holding at those prices
 * are asked for (see levelWorthHolding). A spike the fleet is not grown for is reported once, and
 * the weights spill what the origin cannot take.
 */
function priceExcursion(
  change: ReplicaChange,
  view: Scalable,
  loads: readonly Map<string, number>[] | undefined,
  ctx: PoolContext,
  pool: string,
): ReplicaChange | undefined {
  const { now, slo, tuning } = ctx;
  if (!loads) return change;
  const needs = [
    change.to,
    ...loads.map((byOrigin) =>
      Math.min(
        view.scaling.maxReplicas,
        replicasFor(byOrigin.get(view.id) ?? 0, view.perReplica, slo.targetUtilization),
      ),
    ),
  ];
  const last = needs[needs.length - 1] ?? 0;
  for (let i = Math.ceil(slo.scaleInCooldownSeconds / tuning.evaluationSeconds); i > 0; i--) needs.push(last);
  const profile: NeedProfile = { needs, stepMinutes: tuning.evaluationSeconds / 60 };
  const cooldown = slo.scaleInCooldownSeconds / 60;
  // Priced by the floor the excursion rises from (the fewest replicas needed now or ahead), not
  // the replicas held: a price that grew with the fleet, or with a spike under way, would make
  // each step of a climbing spike look worth the next.
  const observed = view.observation.rps;
  const base = Math.min(
    ...(observed === undefined ? [] : [replicasFor(observed, view.perReplica, slo.targetUtilization)]),
    ...needs,
  );
  const prices = {
    perMinute: tuning.excursionPrice * Math.max(1, base),
    perMissingReplica: tuning.shortfallPrice,
  };
  const level = Math.min(
    change.to,
    levelWorthHolding(profile, change.from, prices, slo.leadSeconds / 60 + cooldown),
  );
  if (level >= change.to) return change;
  const peak = Math.max(...needs);
  const minutes = needs.filter((n) => n > level).length * profile.stepMinutes;
  ctx.notices.raise(
    `excursion:${view.id}`,
    pool,
    slo.mode,
    `${view.id}'s forecast needs up to ${replicas(peak)} for about ${duration(minutes * 60)} from ${clock(now + slo.leadSeconds * 1000)}: too short to pay for booting them, so ${level > change.from ? `it grows to ${replicas(level)} and ` : ""}the rest is left to spill`,
    view.id,
  );
  return level > change.from ? { ...change, to: level } : undefined;
}

/** The load each resizable origin must carry at every evaluation step after the lead window, as
 * far as every forecast of the pool reaches (at most two hours): read off the forecasts alone,
 * since a load observed now says nothing of how long it lasts (an origin with no forecast keeps
 * its observed load, the only estimate there is). Undefined when no origin has a forecast. */
function forecastStepLoads(
  active: readonly OriginView[],
  ctx: PoolContext,
): Map<string, number>[] | undefined {
  const { now, slo, tuning } = ctx;
  const ends = active.flatMap((v) => (v.observation.forecast ? [forecastEnd(v.observation.forecast)] : []));
  if (ends.length === 0) return undefined;
  const forecastOnly = active.map((v) =>
    v.observation.forecast ? { ...v, observation: withoutRps(v.observation) } : v,
  );
  const stepMs = tuning.evaluationSeconds * 1000;
  const start = leadWindow(slo, now, tuning).start;
  const end = Math.min(Math.min(...ends), start + EXCURSION_LOOKAHEAD_MS);
  const loads: Map<string, number>[] = [];
  for (let t = start + stepMs; t + stepMs <= end; t += stepMs) {
    const demand = poolDemand(forecastOnly, t, t + stepMs, now, ctx.liveSpill, tuning, ctx.events);
    loads.push(
      demand ? scalableLoads(forecastOnly, demand.total, slo.targetUtilization) : new Map<string, number>(),
    );
  }
  return loads;
}

/** An observation without its observed load. */
function withoutRps(observation: OriginObservation): OriginObservation {
  const { rps: _observed, ...rest } = observation;
  return rest;
}

/** After a failed request, an origin waits a boot time (at least a minute) before asking again. */
function blockedAfterFailure(view: OriginView, ctx: PoolContext): boolean {
  const request = ctx.state.origins[view.id]?.request;
  if (request?.failedAt === undefined) return false;
  return ctx.now - request.failedAt < Math.max(60, view.scaling?.bootSeconds ?? 60) * 1000;
}

/** Records a new request in the state and in the origin's view, so the weights see it coming. */
function registerRequest(change: ReplicaChange, ctx: PoolContext): void {
  const view = ctx.views.get(change.origin);
  const memory = (ctx.state.origins[change.origin] ??= { seq: 0 });
  if (!view) return;
  memory.seq += 1;
  const boot = change.kind === "scale-out" ? (view.scaling?.bootSeconds ?? 0) * 1000 : 0;
  const request = {
    seq: memory.seq,
    from: change.from,
    replicas: change.to,
    at: ctx.now,
    readyAt: ctx.now + boot,
    mode: ctx.slo.mode === "act" ? ("act" as const) : ("advise" as const),
  };
  memory.request = request;
  ctx.views.set(change.origin, { ...view, request, requestStatus: "in-flight" });
}

/** Worth a new decision: a factor moved by more than 0.02, the spill by more than 1 point, or
 * either reached the operator's setting. */
function changed(plan: PoolWeights, baseline: PoolWeights): boolean {
  // Reaching the operator's weights exactly always counts, so a shift never lingers as a residue.
  if (Math.abs(plan.spill - baseline.spill) > 0.01 || (plan.spill === 0) !== (baseline.spill === 0))
    return true;
  const ids = new Set([...Object.keys(plan.factors), ...Object.keys(baseline.factors)]);
  return [...ids].some((id) => {
    const to = plan.factors[id] ?? 1;
    const from = baseline.factors[id] ?? 1;
    return Math.abs(to - from) > 0.02 || (to === 1) !== (from === 1);
  });
}
