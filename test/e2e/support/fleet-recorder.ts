import type { Fleet } from "../../../infra/simulator/fleet.ts";

/** One origin's state as the simulator itself holds it, at one instant. */
export type OriginSample = {
  at: number;
  origin: string;
  /** Busy share of the serving capacity, the simulator's 5 s average (what a CPU gauge shows). */
  utilization: number;
  serving: number;
  desired: number;
  /** Requests that arrived at this origin so far. */
  arrivals: number;
};

/** Records the simulated origins' own state every `everyMs`, and counts their arrivals (fed by
 * the stack's `onArrival` hook): the facts the end-to-end assertions are made on. */
export class FleetRecorder {
  readonly samples: OriginSample[] = [];
  readonly #arrivals = new Map<string, number>();
  #timer: NodeJS.Timeout | null = null;

  /** The hook to give the stack: counts one application request at an origin. */
  readonly onArrival = (origin: string, path: string): void => {
    if (path !== "/healthz") this.#arrivals.set(origin, (this.#arrivals.get(origin) ?? 0) + 1);
  };

  start(fleet: Fleet, everyMs: number): void {
    const sample = (): void => {
      const at = Date.now();
      for (const running of fleet.origins) {
        const origin = running.origin;
        this.samples.push({
          at,
          origin: origin.spec.id,
          utilization: origin.queue.busyFraction(),
          serving: origin.replicas.serving,
          desired: origin.replicas.desired,
          arrivals: this.#arrivals.get(origin.spec.id) ?? 0,
        });
      }
    };
    sample();
    this.#timer = setInterval(sample, everyMs);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
  }

  /** The first sample at or after `from` that satisfies `test`. */
  first(test: (sample: OriginSample) => boolean, from = 0): OriginSample | undefined {
    return this.samples.find((sample) => sample.at >= from && test(sample));
  }

  /** Each origin's arrival rate (requests per second) over the `windowMs` before each sample. */
  arrivalRates(windowMs: number): { at: number; origin: string; rps: number }[] {
    const out: { at: number; origin: string; rps: number }[] = [];
    const byOrigin = new Map<string, OriginSample[]>();
    for (const sample of this.samples)
      byOrigin.set(sample.origin, [...(byOrigin.get(sample.origin) ?? []), sample]);
    for (const [origin, list] of byOrigin) {
      let start = 0;
      for (const sample of list) {
        while ((list[start]?.at ?? sample.at) < sample.at - windowMs) start++;
        const first = list[start];
        if (!first || sample.at - first.at < windowMs / 2) continue;
        out.push({
          at: sample.at,
          origin,
          rps: ((sample.arrivals - first.arrivals) * 1000) / (sample.at - first.at),
        });
      }
    }
    return out.sort((a, b) => a.at - b.at);
  }
}
