import type { Scheduler } from "./scheduler.ts";

/**
 * The replicas of one origin as a platform runs them: a scale-up starts replicas that serve only
 * after the boot delay (image pull, start-up, readiness probe); a scale-down stops replicas at
 * once, cancelling those still booting first (newest first), as a Deployment rollback would.
 */
export class ReplicaSet {
  #serving: number;
  #booting: { cancel: () => void }[] = [];
  readonly #scheduler: Scheduler;
  readonly #bootDelayMs: number;
  readonly #onChange: () => void;

  constructor(options: { scheduler: Scheduler; initial: number; bootDelayMs: number; onChange: () => void }) {
    this.#scheduler = options.scheduler;
    this.#serving = options.initial;
    this.#bootDelayMs = options.bootDelayMs;
    this.#onChange = options.onChange;
  }

  /** Replicas serving requests now. */
  get serving(): number {
    return this.#serving;
  }

  /** Replicas started but not yet serving. */
  get booting(): number {
    return this.#booting.length;
  }

  /** The target: serving plus booting. */
  get desired(): number {
    return this.#serving + this.#booting.length;
  }

  /** Moves towards `desired` replicas (a non-negative integer, already checked by the caller). */
  scaleTo(desired: number): void {
    const current = this.desired;
    if (desired > current) {
      for (let i = current; i < desired; i++) {
        const entry = { cancel: (): void => undefined };
        entry.cancel = this.#scheduler.setTimer(this.#bootDelayMs, () => {
          this.#booting.splice(this.#booting.indexOf(entry), 1);
          this.#serving++;
          this.#onChange();
        });
        this.#booting.push(entry);
      }
      return;
    }
    let excess = current - desired;
    while (excess > 0 && this.#booting.length > 0) {
      this.#booting.pop()?.cancel();
      excess--;
    }
    if (excess > 0) {
      this.#serving -= excess;
      this.#onChange();
    }
  }

  /** Cancels every boot in progress (shutdown). */
  dispose(): void {
    for (const entry of this.#booting) entry.cancel();
    this.#booting = [];
  }
}
