import * as v from "valibot";
import type { Validated } from "../../contracts/index.ts";
import { boundedInteger, boundedNumber, validateWith } from "../../contracts/index.ts";

/** A finite number above 0 and at most `max`. */
export function positiveNumber(max: number) {
  return v.pipe(
    v.number("must be a number"),
    v.finite("must be a finite number"),
    v.gtValue(0, "must be more than 0"),
    v.maxValue(max, `must be at most ${max}`),
  );
}

/** Monday 5 January 2026, 00:00 UTC: generated traces start on a Monday unless told otherwise. */
export const DEFAULT_TRACE_START = Date.UTC(2026, 0, 5);

const flashCrowdSchema = v.strictObject({
  at: boundedNumber(0, 8.64e15),
  magnitude: boundedNumber(0, 1000),
  riseMinutes: boundedNumber(0.01, 1440),
  decayMinutes: boundedNumber(0.01, 10_080),
});

const profileSchema = v.strictObject({
  nightFloor: v.optional(boundedNumber(0, 1)),
  morningPeakHour: v.optional(boundedNumber(0, 24)),
  morningPeakHeight: v.optional(boundedNumber(0, 10)),
  eveningPeakHour: v.optional(boundedNumber(0, 24)),
  peakWidthHours: v.optional(boundedNumber(0.25, 12)),
  weekendLevel: v.optional(boundedNumber(0, 10)),
  weekendShiftHours: v.optional(boundedNumber(-12, 12)),
  utcOffsetHours: v.optional(boundedNumber(-12, 14)),
});

/** Knobs of the realistic trace generator, each with its default. */
export const traceOptionsSchema = v.strictObject({
  /** First timestamp (epoch ms). */
  start: v.optional(boundedNumber(0, 8.64e15), DEFAULT_TRACE_START),
  /** Length of the trace in days. */
  days: v.optional(positiveNumber(366), 14),
  /** Spacing of the points in seconds. */
  stepSeconds: v.optional(boundedInteger(1, 86_400), 60),
  /** Value at a weekday evening peak on the first day, before noise. */
  baseLevel: v.optional(boundedNumber(0.001, 1e12), 100),
  /** Linear growth of the level per day (0.01 = +1 % a day; negative shrinks). */
  trendPerDay: v.optional(boundedNumber(-0.5, 0.5), 0.01),
  /** Standard deviation of the multiplicative noise, in log terms (0.08 ≈ ±8 %). */
  noise: v.optional(boundedNumber(0, 2), 0.08),
  /** Correlation time of the noise: how long a deviation lingers, in minutes. */
  noiseMinutes: v.optional(boundedNumber(0.01, 10_080), 20),
  /** Number of flash crowds placed at random (ignored when `flashCrowdsAt` is given). */
  flashCrowds: v.optional(boundedInteger(0, 1000), 1),
  /** Mean crest of a flash crowd, as a multiple of the base level. */
  flashMagnitude: v.optional(boundedNumber(0, 1000), 1.5),
  /** Mean rise time of a flash crowd, in minutes. */
  flashRiseMinutes: v.optional(boundedNumber(0.01, 1440), 5),
  /** Mean decay time constant of a flash crowd, in minutes. */
  flashDecayMinutes: v.optional(boundedNumber(0.01, 10_080), 30),
  /** Flash crowds at chosen times instead of random ones. */
  flashCrowdsAt: v.optional(v.array(flashCrowdSchema)),
  /** Overrides of the daily shape (see DailyProfile). */
  profile: v.optional(profileSchema, {}),
});

/** Input of the generator: every field optional. */
export type TraceOptionsInput = v.InferInput<typeof traceOptionsSchema>;
/** Options with every default filled in. */
export type TraceOptions = v.InferOutput<typeof traceOptionsSchema>;

/** Validates generator options and fills in the defaults; every problem is named by its path. */
export function resolveTraceOptions(input: unknown): Validated<TraceOptions> {
  return validateWith(traceOptionsSchema, input ?? {});
}
