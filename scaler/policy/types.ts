import type {
  Decision,
  Forecast,
  OriginTable,
  ScheduledEvent,
  Slo,
  WeightsOverlay,
} from "../../contracts/index.ts";

/** What the policy needs to know about an origin's replicas; absent for a fixed-size origin. */
export type OriginScaling = {
  rpsPerReplica: number;
  minReplicas: number;
  maxReplicas: number;
  bootSeconds: number;
};

/** Knobs of the policy (see docs/scaling-policy.md). The scaler's file sets only
 * `weightHoldSeconds`, `maxSpill`, `breachStep` and `violationBudget`; the others are internal
 * constants (DEFAULT_TUNING) that replays and benches may still vary. */
export type PolicyTuning = {
  /** Optional relative band below the target utilisation that the load must fall under before
   * the policy releases replicas. Flapping is already prevented in time (the cooldown, the
   * weight hold and the look-ahead horizon); a band of 0.1 cost 7-10 % more replica-minutes in
   * the replays. */
  hysteresis: number;
  /** Seconds a weight shift is held after it was last needed before weights start returning to
   * the operator's (a stabilisation window, like the HPA's for scale-down). */
  weightHoldSeconds: number;
  /** Largest share of a pool's traffic ever spilled to its fallback pool. */
  maxSpill: number;
  /** Replicas added, as a share of those serving, when the SLO already breaks and neither the
   * forecast nor the observed load explains why. */
  breachStep: number;
  /** Lifetime of a written overlay; it is refreshed when less than half remains. */
  overlayTtlSeconds: number;
  /** The quantile of the forecast the policy sizes for, from 0.5 (the mean) to 0.9 (the upper
   * bound of the predictor's 80 % interval). */
  sizingQuantile: number;
  /** Widest the forecast band is read above its mean, as a share of the mean (0: as served).
   * A band wider than this is the mark of a bursty load whose forecast cannot say when the bursts
   * come; sized at its top, the fleet pays for every burst all the time. Read capped, the
   * violation budget sets the margin instead (see docs/scaling-policy.md). */
  bandCap: number;
  /** The violation budget of a pool whose SLO states no trade-off: the share of time an origin
   * may spend above its SLO's target utilisation; when above 0, each origin's sizing quantile
   * adapts (starting from `sizingQuantile`) to spend it. 0 sizes every origin at
   * `sizingQuantile`. */
  violationBudget: number;
  /** How far one evaluation moves an origin's sizing quantile when spending the budget. */
  violationBudgetGain: number;
  /** How far one evaluation moves an origin's sizing quantile per unit of spend above or under
   * its SLO's spend ceiling (see holdSpendCeiling). */
  spendCeilingGain: number;
  /** Replica-minutes one minute above the target is worth, per replica the load needs before
   * the excursion: a scale-out whose forecast excursion costs more than it saves at this price
   * (and at `shortfallPrice`) is left to the edge's spill. 0 covers every excursion. */
  excursionPrice: number;
  /** Replica-minutes each replica missing from what the load needs is worth per minute (above
   * 1, so an excursion that lasts is covered whatever its height). */
  shortfallPrice: number;
  /** Seconds between evaluations (the scaler's `intervalSeconds`): each evaluation sizes for the
   * stretch of the forecast from the lead until the next evaluation's lead. */
  evaluationSeconds: number;
};

export const DEFAULT_TUNING: PolicyTuning = {
  hysteresis: 0,
  weightHoldSeconds: 300,
  maxSpill: 0.5,
  breachStep: 0.2,
  overlayTtlSeconds: 300,
  sizingQuantile: 0.9,
  bandCap: 0.6,
  violationBudget: 0.02,
  violationBudgetGain: 0.005,
  spendCeilingGain: 0.01,
  excursionPrice: 0,
  shortfallPrice: 1.2,
  evaluationSeconds: 30,
};

/** The latest fresh observations of one origin (stale ones are left out by the reader). */
export type OriginObservation = {
  /** Replicas serving and, when the origin exports it, the rps they can take. */
  capacity?: { replicas: number; capacityRps?: number };
  rps?: number;
  p95Ms?: number;
  errorRate?: number;
  /** The forecast of the origin's rps. */
  forecast?: Forecast;
};

/** A replica change the policy asked for (or advised) and is waiting to see take effect. */
export type ReplicaRequest = {
  seq: number;
  from: number;
  replicas: number;
  at: number;
  readyAt: number;
  mode: "act" | "advise";
  failedAt?: number;
};

/** What the policy remembers about an origin between evaluations. */
export type OriginState = {
  /** Counter of replica requests; with the origin it makes the scale job's id. */
  seq: number;
  request?: ReplicaRequest;
  /** Since when the replicas needed have stayed below those serving, and the most needed then. */
  lowSince?: number;
  lowNeed?: number;
  /** The forecast quantile the origin is sized for, as adapted to its pool's trade-off. */
  sizingQuantile?: number;
  /** Under a spend ceiling: the slow mean of the replicas the load needs, and how many
   * evaluations it holds (see holdSpendCeiling). */
  spendScale?: number;
  spendSamples?: number;
};

/** A pool's weights: factors for its origins (missing = 1) and the share spilled to its fallback. */
export type PoolWeights = { factors: Record<string, number>; spill: number };

/** What the policy remembers about a pool: the weights it last advised (advise mode) and until
 * when the current shift is held before weights may return toward the operator's. */
export type PoolMemory = { advised?: PoolWeights; holdUntil?: number };

/** The policy's memory, persisted between evaluations. */
export type PolicyState = {
  /** Identifies this state's lifetime; with the counters below it makes job ids, so a state
   * lost and started afresh can never reuse the id of an earlier job. */
  epoch: string;
  /** Number of evaluations so far; decision ids derive from it, so a retried evaluation of the
   * same state produces the same ids. */
  evaluations: number;
  /** Counter of overlay writes; the apply-weights job's id derives from it. */
  weightsSeq: number;
  origins: Record<string, OriginState>;
  pools: Record<string, PoolMemory>;
  /** Standing notices (key -> message) already recorded as `hold` decisions, so a condition
   * that persists is recorded once, not every evaluation. */
  notices: Record<string, string>;
};

export const EMPTY_STATE: PolicyState = {
  epoch: "0",
  evaluations: 0,
  weightsSeq: 0,
  origins: {},
  pools: {},
  notices: {},
};

/** How a replica request ended, as reported by the scale job. */
export type ScaleOutcome = { seq: number; ok: boolean; at: number; error?: string };

/** Something wrong with stored data (an invalid SLO or forecast): reported once as a hold
 * decision of its pool (or only logged when no pool can be named), never acted on. */
export type InputProblem = { key: string; pool?: string; origin?: string; message: string };

/** Everything the policy decides from. */
export type PolicyInput = {
  now: number;
  table: OriginTable;
  /** Valid SLOs by pool; a pool without one is left alone. */
  slos: Readonly<Record<string, Slo>>;
  scaling: Readonly<Record<string, OriginScaling>>;
  observations: Readonly<Record<string, OriginObservation>>;
  /** The overlay the edge holds now (null when none or expired). */
  overlay: WeightsOverlay | null;
  outcomes: Readonly<Record<string, ScaleOutcome>>;
  state: PolicyState;
  tuning: PolicyTuning;
  problems?: readonly InputProblem[];
  /** Scheduled events (valid ones; any pool): each raises its pool's demand to the load it
   * expects over its stretch of time. */
  events?: readonly ScheduledEvent[];
};

/** A replica change to carry out (act mode only). */
export type ScaleCall = {
  origin: string;
  pool: string;
  from: number;
  to: number;
  seq: number;
  decision: Decision;
};

/** What one evaluation decided. `decisions` are to be recorded now (advised decisions and
 * holds); act-mode decisions travel inside `scale` and `weights`, and their jobs record them once
 * carried out (or failed). */
export type PolicyOutcome = {
  state: PolicyState;
  decisions: Decision[];
  /** Notices raised for the first time in this evaluation, for the service's log. */
  reports: string[];
  scale: ScaleCall[];
  weights: { overlay: WeightsOverlay; seq: number; decisions: Decision[] } | null;
};
