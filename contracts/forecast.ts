import * as v from "valibot";
import { originId } from "./names.ts";
import { metricName } from "./series.ts";
import type { Validated } from "./validation.ts";
import { boundedInteger, boundedNumber, isoTimestamp, validateWith } from "./validation.ts";

export const MODEL_KINDS = ["lstm", "mstl-ets", "holt-winters", "seasonal-naive"] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];
export const TF_BACKENDS = ["tensorflow", "wasm", "cpu"] as const;
export type TfBackend = (typeof TF_BACKENDS)[number];

const finite = v.pipe(v.number("must be a number"), v.finite("must be a finite number"));
const score = v.strictObject({ mase: boundedNumber(0, Number.MAX_VALUE), smape: boundedNumber(0, 200) });

/** Schema of a forecast of one origin's metric; `lower`/`upper` bound an 80 % interval. */
export const forecastSchema = v.pipe(
  v.strictObject({
    origin: originId,
    metric: metricName,
    generatedAt: isoTimestamp,
    start: isoTimestamp,
    stepSeconds: boundedInteger(1, 86_400),
    mean: v.array(finite),
    lower: v.array(finite),
    upper: v.array(finite),
    model: v.strictObject({
      kind: v.picklist(MODEL_KINDS, `must be one of ${MODEL_KINDS.join(", ")}`),
      version: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
      trainedAt: isoTimestamp,
      backend: v.optional(v.picklist(TF_BACKENDS, `must be one of ${TF_BACKENDS.join(", ")}`)),
    }),
    accuracy: v.strictObject({
      mase: boundedNumber(0, Number.MAX_VALUE),
      smape: boundedNumber(0, 200),
      byModel: v.record(v.string(), score),
    }),
  }),
  v.check(
    (f) => f.lower.length === f.mean.length && f.upper.length === f.mean.length,
    "mean, lower and upper must have the same length",
  ),
);

export type Forecast = v.InferOutput<typeof forecastSchema>;

/** Validates a forecast document. */
export function validateForecast(input: unknown): Validated<Forecast> {
  return validateWith(forecastSchema, input);
}
