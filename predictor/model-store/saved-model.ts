import * as v from "valibot";
import { MODEL_KINDS, metricName, originId } from "../../contracts/index.ts";

const kind = v.picklist(MODEL_KINDS, `must be one of ${MODEL_KINDS.join(", ")}`);
const nonNegative = v.pipe(v.number(), v.finite(), v.minValue(0));
const positiveInteger = v.pipe(v.number(), v.integer(), v.minValue(1));
const score = v.object({
  mase: nonNegative,
  smape: nonNegative,
  mae: nonNegative,
  coverage: v.optional(nonNegative),
});

/** Format tag of a saved series model; bumped when the layout changes incompatibly. */
export const SAVED_MODEL_FORMAT = "headroom.series-model/1";

/** Schema of the file saved per series: the model that serves it (its snapshot), how every
 * model scored, and what its forecasts need (step, horizon, history length). */
export const savedSeriesModelSchema = v.strictObject({
  format: v.literal(SAVED_MODEL_FORMAT, `must be "${SAVED_MODEL_FORMAT}"`),
  origin: originId,
  metric: metricName,
  stepSeconds: positiveInteger,
  horizon: positiveInteger,
  seasonSteps: positiveInteger,
  /** Points of history the model was trained on; forecasts read as many. */
  historySteps: positiveInteger,
  scores: v.record(kind, score),
  trainSeconds: v.record(kind, nonNegative),
  skipped: v.record(kind, v.string()),
  model: v.strictObject({
    kind,
    version: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
    trainedAt: v.string(),
    params: v.unknown(),
  }),
});

export type SavedSeriesModel = v.InferOutput<typeof savedSeriesModelSchema>;
