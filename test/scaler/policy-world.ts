// A small world the policy runs in for tests: origins whose replicas boot after a delay, pool
// load split by the edge's effective weights, and forecasts drawn from the future load.
import type { Decision, OriginTable, ScheduledEvent, Slo, WeightsOverlay } from "../../contracts/index.ts";
import { evaluatePolicy } from "../../scaler/policy/evaluate-policy.ts";
import { forecastOf } from "../../scaler/policy/policy-fixtures.ts";
import type {
  OriginObservation,
  OriginScaling,
  PolicyOutcome,
  PolicyState,
  PolicyTuning,
} from "../../scaler/policy/types.ts";
import { DEFAULT_TUNING, EMPTY_STATE } from "../../scaler/policy/types.ts";

type Replicas = { serving: number; booting: { readyAt: number }[] };

export type WorldOptions = {
  table: OriginTable;
  slos: Record<string, Slo>;
  scaling: Record<string, OriginScaling>;
  replicas: Record<string, number>;
  /** Offered load of a pool at time t (rps). */
  load: (pool: string, t: number) => number;
  start: number;
  tuning?: Partial<PolicyTuning>;
  forecastStepSeconds?: number;
  upperRatio?: number;
  /** Observed p95 per origin at time t, when a test needs latency. */
  p95?: (origin: string, t: number) => number | undefined;
  /** The load the forecasts believe (default: `load`, a perfect forecast). */
  forecastLoad?: (pool: string, t: number) => number;
  /** Scheduled events the policy is given. */
  events?: ScheduledEvent[];
};

/** Runs the real policy every `everySeconds`, applying its calls as a platform would. */
export class PolicyWorld {
  now: number;
  state: PolicyState = structuredClone(EMPTY_STATE);
  overlay: WeightsOverlay | null = null;
  readonly decisions: Decision[] = [];
  readonly outcomes: PolicyOutcome[] = [];
  private readonly fleet = new Map<string, Replicas>();

  constructor(private readonly options: WorldOptions) {
    this.now = options.start;
    for (const [id, n] of Object.entries(options.replicas)) this.fleet.set(id, { serving: n, booting: [] });
  }

  serving(origin: string): number {
    return this.fleet.get(origin)?.serving ?? 0;
  }

  /** Share of a pool's offered load each of its origins receives now. */
  shares(pool: string): Map<string, number> {
    const spec = this.options.table.pools.find((p) => p.name === pool);
    const shares = new Map<string, number>();
    if (!spec) return shares;
    const live = this.overlay && Date.parse(this.overlay.expiresAt) > this.now ? this.overlay : null;
    const kept = 1 - (live?.spill?.[pool] ?? 0);
    const weights = spec.origins.map((o) => o.weight * (live?.factors[o.id] ?? 1));
    const total = weights.reduce((a, b) => a + b, 0);
    spec.origins.forEach((o, i) => shares.set(o.id, total > 0 ? ((weights[i] ?? 0) / total) * kept : 0));
    return shares;
  }

  /** Load a pool's origins receive at t: its own plus what other pools spill to it now. */
  poolLoad(pool: string, t: number): number {
    const live = this.overlay && Date.parse(this.overlay.expiresAt) > this.now ? this.overlay : null;
    let load = this.options.load(pool, t);
    for (const other of this.options.table.pools)
      if (other.fallback === pool)
        load += this.options.load(other.name, t) * (live?.spill?.[other.name] ?? 0);
    return load;
  }

  /** Utilisation of an origin now: its load over its serving capacity. */
  utilisation(origin: string): number {
    const pool = this.options.table.pools.find((p) => p.origins.some((o) => o.id === origin));
    if (!pool) return 0;
    const load = this.poolLoad(pool.name, this.now) * (this.shares(pool.name).get(origin) ?? 0);
    const rate = this.options.scaling[origin]?.rpsPerReplica ?? 1;
    return load / Math.max(1e-9, this.serving(origin) * rate);
  }

  private observations(): Record<string, OriginObservation> {
    const step = this.options.forecastStepSeconds ?? 60;
    const out: Record<string, OriginObservation> = {};
    for (const pool of this.options.table.pools) {
      const shares = this.shares(pool.name);
      for (const origin of pool.origins) {
        const share = shares.get(origin.id) ?? 0;
        const rate = this.options.scaling[origin.id]?.rpsPerReplica ?? 1;
        const serving = this.serving(origin.id);
        const p95 = this.options.p95?.(origin.id, this.now);
        const bucket = Math.floor(this.now / (step * 1000)) * step * 1000;
        out[origin.id] = {
          capacity: { replicas: serving, capacityRps: serving * rate },
          rps: this.poolLoad(pool.name, this.now) * share,
          ...(p95 !== undefined ? { p95Ms: p95 } : {}),
          forecast: forecastOf(
            origin.id,
            bucket,
            step,
            120,
            (t) => (this.options.forecastLoad?.(pool.name, t) ?? this.poolLoad(pool.name, t)) * share,
            this.options.upperRatio ?? 1.1,
          ),
        };
      }
    }
    return out;
  }

  /** One evaluation, applying its scale calls and overlay. */
  evaluate(): PolicyOutcome {
    for (const replicas of this.fleet.values()) {
      const ready = replicas.booting.filter((b) => b.readyAt <= this.now);
      replicas.serving += ready.length;
      replicas.booting = replicas.booting.filter((b) => b.readyAt > this.now);
    }
    const outcome = evaluatePolicy({
      now: this.now,
      table: this.options.table,
      slos: this.options.slos,
      scaling: this.options.scaling,
      observations: this.observations(),
      overlay: this.overlay,
      outcomes: {},
      state: this.state,
      tuning: { ...DEFAULT_TUNING, ...this.options.tuning },
      ...(this.options.events ? { events: this.options.events } : {}),
    });
    this.state = outcome.state;
    this.outcomes.push(outcome);
    this.decisions.push(
      ...outcome.decisions,
      ...outcome.scale.map((s) => s.decision),
      ...(outcome.weights?.decisions ?? []),
    );
    for (const call of outcome.scale) {
      const replicas = this.fleet.get(call.origin);
      if (!replicas) continue;
      const boot = (this.options.scaling[call.origin]?.bootSeconds ?? 0) * 1000;
      const total = replicas.serving + replicas.booting.length;
      if (call.to > total)
        for (let i = total; i < call.to; i++) replicas.booting.push({ readyAt: this.now + boot });
      else {
        replicas.booting = replicas.booting.slice(0, Math.max(0, call.to - replicas.serving));
        replicas.serving = Math.min(replicas.serving, call.to);
      }
    }
    if (outcome.weights) this.overlay = outcome.weights.overlay;
    return outcome;
  }

  /** Evaluates every `everySeconds` for `seconds`, calling `each` after every evaluation. */
  run(seconds: number, everySeconds = 30, each?: () => void): void {
    const end = this.now + seconds * 1000;
    while (this.now < end) {
      this.evaluate();
      each?.();
      this.now += everySeconds * 1000;
    }
  }

  actions(action?: Decision["action"]): Decision[] {
    return this.decisions.filter((d) => d.action !== "hold" && (action === undefined || d.action === action));
  }
}
