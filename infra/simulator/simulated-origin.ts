import type { Rng, SimScaleState, Validated } from "../../contracts/index.ts";
import type { Fault, FaultState } from "./fault.ts";
import type { OriginSpec } from "./fleet-spec.ts";
import { OriginMetrics } from "./origin-metrics.ts";
import { OriginQueue } from "./origin-queue.ts";
import { ReplicaSet } from "./replica-set.ts";
import type { Scheduler } from "./scheduler.ts";

/** Default slow-down of the "slow" fault and status of the "error" fault. */
export const DEFAULT_SLOW_FACTOR = 5;
export const DEFAULT_ERROR_STATUS = 503;

/**
 * One simulated origin without its HTTP face: replicas that boot with a delay, the queue they
 * serve, the fault in force and the metrics. Everything runs on the injected scheduler and rng.
 */
export class SimulatedOrigin {
  readonly spec: OriginSpec;
  readonly scheduler: Scheduler;
  readonly replicas: ReplicaSet;
  readonly queue: OriginQueue;
  readonly metrics: OriginMetrics;
  #fault: FaultState = { mode: "none" };
  #clearFault: () => void = () => undefined;
  readonly #faultListeners: ((previous: FaultState, next: FaultState) => void)[] = [];

  constructor(options: { spec: OriginSpec; scheduler: Scheduler; rng: Rng }) {
    const { spec, scheduler, rng } = options;
    this.spec = spec;
    this.scheduler = scheduler;
    this.replicas = new ReplicaSet({
      scheduler,
      initial: spec.initialReplicas,
      bootDelayMs: spec.bootDelaySeconds * 1000,
      onChange: () => {
        this.queue.capacityChanged();
      },
    });
    this.queue = new OriginQueue({ settings: spec, replicas: () => this.replicas.serving, scheduler, rng });
    this.metrics = new OriginMetrics({
      replicas: () => this.replicas.serving,
      desiredReplicas: () => this.replicas.desired,
      bootingReplicas: () => this.replicas.booting,
      capacityRps: () => this.queue.capacityRps,
      busyFraction: () => this.queue.busyFraction(),
      queued: () => this.queue.queued,
      inService: () => this.queue.busy,
    });
  }

  /** The scale endpoint's view: serving, desired, booting and serving capacity. */
  scaleState(): SimScaleState {
    return {
      replicas: this.replicas.serving,
      desired: this.replicas.desired,
      booting: this.replicas.booting,
      capacityRps: this.queue.capacityRps,
    };
  }

  /** Asks for `desired` replicas; refused (nothing changes) outside minReplicas..maxReplicas. */
  scaleTo(desired: number): Validated<SimScaleState> {
    const { minReplicas, maxReplicas } = this.spec;
    if (!Number.isInteger(desired) || desired < minReplicas || desired > maxReplicas) {
      return {
        ok: false,
        issues: [
          {
            path: "replicas",
            message: `must be an integer within this origin's limits ${minReplicas}..${maxReplicas}`,
          },
        ],
      };
    }
    this.replicas.scaleTo(desired);
    return { ok: true, value: this.scaleState() };
  }

  /** The fault in force. */
  get fault(): FaultState {
    return this.#fault;
  }

  /** Puts a fault in force (replacing any other); with `seconds`, it clears itself after that. */
  setFault(fault: Fault): FaultState {
    this.#clearFault();
    this.#clearFault = () => undefined;
    const next: FaultState = { mode: fault.mode };
    if (fault.mode === "error") next.status = fault.status ?? DEFAULT_ERROR_STATUS;
    if (fault.mode === "slow") next.factor = fault.factor ?? DEFAULT_SLOW_FACTOR;
    if (fault.mode !== "none" && fault.seconds !== undefined) {
      const ms = fault.seconds * 1000;
      next.until = new Date(this.scheduler.now() + ms).toISOString();
      this.#clearFault = this.scheduler.setTimer(ms, () => {
        this.setFault({ mode: "none" });
      });
    }
    const previous = this.#fault;
    this.#fault = next;
    this.queue.slowFactor = next.factor ?? 1;
    for (const listener of this.#faultListeners) listener(previous, next);
    return next;
  }

  /** Calls `listener` on every fault change (the HTTP server stops listening on "refuse"). */
  onFaultChange(listener: (previous: FaultState, next: FaultState) => void): void {
    this.#faultListeners.push(listener);
  }

  /** Cancels pending boots and fault timers (shutdown). */
  dispose(): void {
    this.#clearFault();
    this.replicas.dispose();
  }
}
