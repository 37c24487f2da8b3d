/**
 * Passive outlier ejection, after Envoy's outlier detection and Linkerd's failure accrual:
 * consecutive failures (connect errors, timeouts, 5xx answers) eject an origin for a time that
 * grows with each repeat (base x number of ejections, capped), and at most a configured share of
 * a pool is ejected at once. Pure: the caller keeps the state and supplies `now`.
 */

export type EjectionState = {
  readonly consecutiveFailures: number;
  /** Epoch ms until which the origin is ejected; 0 when never ejected. */
  readonly ejectedUntil: number;
  /** Ejections so far: the multiplier of the next ejection time. */
  readonly ejections: number;
};

export type EjectionConfig = { consecutiveFailures: number; baseMs: number; maxMs: number; maxShare: number };

export const NOT_EJECTED: EjectionState = { consecutiveFailures: 0, ejectedUntil: 0, ejections: 0 };

/** What happened to the origin's standing after one outcome. */
export type EjectionChange = "ejected" | "ejection-capped" | null;

/** True while the origin is ejected. */
export function isEjected(state: EjectionState, now: number): boolean {
  return state.ejectedUntil > now;
}

/** May one more origin of a pool be ejected? At least one always may; beyond that, only while
 * the ejected share stays within `maxShare` of the pool's enabled origins. */
export function ejectionAllowed(ejectedInPool: number, poolSize: number, maxShare: number): boolean {
  return ejectedInPool === 0 || ejectedInPool + 1 <= Math.floor(maxShare * poolSize);
}

/** Applies one try's outcome. A failure while already ejected (a request that was in flight, or
 * panic routing) neither extends nor repeats the ejection. */
export function recordOutcome(
  state: EjectionState,
  failed: boolean,
  now: number,
  config: EjectionConfig,
  pool: { ejected: number; size: number },
): { state: EjectionState; change: EjectionChange } {
  if (!failed)
    return {
      state: state.consecutiveFailures === 0 ? state : { ...state, consecutiveFailures: 0 },
      change: null,
    };
  if (isEjected(state, now)) return { state, change: null };
  const failures = state.consecutiveFailures + 1;
  if (failures < config.consecutiveFailures)
    return { state: { ...state, consecutiveFailures: failures }, change: null };
  return ejectOutlier({ ...state, consecutiveFailures: failures }, now, config, pool);
}

/** Ejects an origin found to be an outlier (by consecutive failures, success rate or latency):
 * for `baseMs` x its number of ejections, capped at `maxMs`, unless the pool's share cap is
 * reached. Every kind of outlier shares this back-off and this cap. */
export function ejectOutlier(
  state: EjectionState,
  now: number,
  config: EjectionConfig,
  pool: { ejected: number; size: number },
): { state: EjectionState; change: EjectionChange } {
  if (isEjected(state, now)) return { state, change: null };
  if (!ejectionAllowed(pool.ejected, pool.size, config.maxShare)) return { state, change: "ejection-capped" };
  // An origin that has stayed in for a whole maximum ejection time starts again from the base.
  const ejections = state.ejectedUntil > 0 && now - state.ejectedUntil > config.maxMs ? 0 : state.ejections;
  const duration = Math.min(config.maxMs, config.baseMs * (ejections + 1));
  return {
    state: { consecutiveFailures: 0, ejectedUntil: now + duration, ejections: ejections + 1 },
    change: "ejected",
  };
}
