import * as v from "valibot";
import type { Rng, TracePoint } from "../../contracts/index.ts";
import { boundedInteger, boundedNumber, validateWith, ValidationError } from "../../contracts/index.ts";
import { gaussian } from "./random-variates.ts";
import { DEFAULT_TRACE_START, positiveNumber } from "./trace-options.ts";

/** A short trace for tests and demos: flat at `from`, a linear ramp, then flat at `to`. */
export const rampOptionsSchema = v.strictObject({
  /** First timestamp (epoch ms). */
  start: v.optional(boundedNumber(0, 8.64e15), DEFAULT_TRACE_START),
  /** Length of the trace in minutes. */
  minutes: v.optional(positiveNumber(525_600), 60),
  /** Spacing of the points in seconds. */
  stepSeconds: v.optional(boundedInteger(1, 86_400), 60),
  /** Level before the ramp. */
  from: v.optional(boundedNumber(0, 1e12), 20),
  /** Level after the ramp. */
  to: v.optional(boundedNumber(0, 1e12), 100),
  /** Minute at which the ramp begins. */
  rampAtMinutes: v.optional(boundedNumber(0, 525_600), 20),
  /** Duration of the ramp in minutes. */
  rampOverMinutes: v.optional(boundedNumber(0, 525_600), 10),
  /** Independent Gaussian noise, as a share of the level (0 = a clean ramp). */
  noise: v.optional(boundedNumber(0, 1), 0),
});

export type RampOptionsInput = v.InferInput<typeof rampOptionsSchema>;

/** Generates a ramp trace; throws a ValidationError naming every bad option. */
export function generateRampTrace(input: RampOptionsInput, rng: Rng): TracePoint[] {
  const resolved = validateWith(rampOptionsSchema, input);
  if (!resolved.ok) throw new ValidationError("ramp options", resolved.issues);
  const o = resolved.value;
  const stepMs = o.stepSeconds * 1000;
  const count = Math.max(1, Math.floor((o.minutes * 60_000) / stepMs));
  const rampStart = o.start + o.rampAtMinutes * 60_000;
  const rampMs = o.rampOverMinutes * 60_000;
  const points: TracePoint[] = [];
  for (let i = 0; i < count; i++) {
    const t = o.start + i * stepMs;
    const progress =
      rampMs === 0 ? (t >= rampStart ? 1 : 0) : Math.min(1, Math.max(0, (t - rampStart) / rampMs));
    const level = o.from + (o.to - o.from) * progress;
    const value = Math.max(0, level * (1 + o.noise * gaussian(rng)));
    points.push({ t, value: Math.round(value * 1000) / 1000 });
  }
  return points;
}
