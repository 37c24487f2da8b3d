import type { Rng, TracePoint } from "../../contracts/index.ts";
import { detectStepSeconds } from "../../contracts/index.ts";
import { poisson } from "../traces/random-variates.ts";

/** How a trace is played: `speed` trace seconds per real second, scaled so the trace's highest
 * value is `peakRps`, from trace time `startAt` for `durationMs` of real time (or to the end). */
export type RatePlanOptions = {
  speed: number;
  peakRps: number;
  startAt: number;
  durationMs?: number;
  loop: boolean;
};

/** A trace turned into a request rate over real time. Offsets are real milliseconds since the
 * replay started (negative offsets are the past, for the backfill). */
export class RatePlan {
  readonly points: readonly TracePoint[];
  readonly options: RatePlanOptions;
  /** Real length of the replay (Infinity for an endless loop). */
  readonly durationMs: number;
  readonly #scale: number;
  readonly #first: number;
  readonly #span: number;

  constructor(points: readonly TracePoint[], options: RatePlanOptions) {
    const first = points[0];
    const last = points[points.length - 1];
    if (!first || !last) throw new Error("the trace holds no points");
    if (!(options.speed > 0) || !(options.peakRps > 0))
      throw new Error("speed and peak rate must be more than 0");
    const max = points.reduce((m, p) => Math.max(m, p.value), 0);
    if (!(max > 0)) throw new Error("the trace has no positive value to scale to the peak rate");
    if (options.startAt < first.t || options.startAt > last.t)
      throw new Error(
        `the replay start ${new Date(options.startAt).toISOString()} is outside the trace (${new Date(first.t).toISOString()} to ${new Date(last.t).toISOString()})`,
      );
    this.points = points;
    this.options = options;
    this.#scale = options.peakRps / max;
    this.#first = first.t;
    // A looping trace wraps after its last point plus one step.
    this.#span = last.t - first.t + detectStepSeconds(points) * 1000;
    const toEnd = (last.t - options.startAt) / options.speed;
    this.durationMs = options.durationMs ?? (options.loop ? Number.POSITIVE_INFINITY : toEnd);
    if (!options.loop) this.durationMs = Math.min(this.durationMs, toEnd);
  }

  /** Trace time (epoch ms) played at real offset `offsetMs`; NaN outside a non-looping trace. */
  traceTimeAt(offsetMs: number): number {
    const t = this.options.startAt + offsetMs * this.options.speed;
    if (this.options.loop)
      return this.#first + ((((t - this.#first) % this.#span) + this.#span) % this.#span);
    const last = this.points[this.points.length - 1]?.t ?? this.#first;
    return t < this.#first || t > last ? Number.NaN : t;
  }

  /** Requests per second at real offset `offsetMs`: linear between trace points, 0 outside. */
  rateAt(offsetMs: number): number {
    const t = this.traceTimeAt(offsetMs);
    if (Number.isNaN(t)) return 0;
    let lo = 0;
    let hi = this.points.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((this.points[mid]?.t ?? 0) <= t) lo = mid;
      else hi = mid - 1;
    }
    const a = this.points[lo];
    if (!a) return 0;
    // Past the last point of a looping trace, interpolate towards the first one.
    const b = this.points[lo + 1] ?? { t: this.#first + this.#span, value: this.points[0]?.value ?? a.value };
    const fraction = b.t > a.t ? (t - a.t) / (b.t - a.t) : 0;
    return Math.max(0, a.value + (b.value - a.value) * fraction) * this.#scale;
  }

  /**
   * The rate this replay "had" before it started: the compressed history of the trace leading up
   * to the replay start, mapped onto real time ending at `endAt` (epoch ms), one point per step
   * (bucket start, mean rps over the bucket). With `rng`, each bucket's count is Poisson-sampled,
   * as a scraped counter would be. Buckets before a non-looping trace's start are left out.
   */
  backfill(options: { endAt: number; stepSeconds: number; historySeconds: number; rng?: Rng }): TracePoint[] {
    const stepMs = options.stepSeconds * 1000;
    const lastStart = Math.floor(options.endAt / stepMs) * stepMs - stepMs;
    const buckets = Math.floor((options.historySeconds * 1000) / stepMs);
    const out: TracePoint[] = [];
    const samples = 8;
    for (let k = buckets - 1; k >= 0; k--) {
      const start = lastStart - k * stepMs;
      const offset = start - options.endAt;
      if (Number.isNaN(this.traceTimeAt(offset))) continue;
      let sum = 0;
      for (let s = 0; s < samples; s++) sum += this.rateAt(offset + ((s + 0.5) * stepMs) / samples);
      const rate = sum / samples;
      const value = options.rng
        ? poisson(options.rng, rate * options.stepSeconds) / options.stepSeconds
        : rate;
      out.push({ t: start, value: Math.round(value * 1000) / 1000 });
    }
    return out;
  }
}
