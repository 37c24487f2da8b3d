import type { Rng } from "../../contracts/index.ts";
import { exponential } from "../traces/random-variates.ts";

/**
 * Arrival times of a non-homogeneous Poisson process with rate `rateAt(t)` (per second, t in ms),
 * by thinning (Lewis and Shedler, 1979): candidates arrive at the bounding rate `maxRate` and each
 * is kept with probability rateAt(t) / maxRate. Open-loop: arrivals never wait for responses.
 */
export class PoissonArrivals {
  readonly #rateAt: (t: number) => number;
  readonly #maxRate: number;
  readonly #rng: Rng;
  readonly #endMs: number;
  #next: number;

  constructor(options: {
    rateAt: (t: number) => number;
    maxRate: number;
    rng: Rng;
    startMs?: number;
    endMs: number;
  }) {
    if (!(options.maxRate > 0)) throw new Error("the bounding rate must be more than 0");
    this.#rateAt = options.rateAt;
    this.#maxRate = options.maxRate;
    this.#rng = options.rng;
    this.#endMs = options.endMs;
    this.#next = this.#after(options.startMs ?? 0);
  }

  /** Time (ms) of the next arrival; Infinity once the process has ended. */
  peek(): number {
    return this.#next;
  }

  /** Consumes the next arrival and returns its time. */
  take(): number {
    const t = this.#next;
    this.#next = this.#after(t);
    return t;
  }

  #after(t: number): number {
    let candidate = t;
    for (;;) {
      candidate += exponential(this.#rng, this.#maxRate) * 1000;
      if (candidate >= this.#endMs) return Number.POSITIVE_INFINITY;
      if (this.#rng() * this.#maxRate < this.#rateAt(candidate)) return candidate;
    }
  }
}
