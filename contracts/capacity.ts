import * as v from "valibot";
import { boundedInteger, boundedNumber, isoTimestamp } from "./validation.ts";

/** One observation of an origin's capacity: replicas serving and, when the origin exports it
 * (`origin_capacity_rps`), the requests per second they can take. Recorded by the predictor from
 * each scrape and read by the scaler and the dashboard. */
export const capacitySampleSchema = v.strictObject({
  at: isoTimestamp,
  replicas: boundedInteger(0, 1_000_000),
  capacityRps: v.optional(boundedNumber(0, Number.MAX_VALUE)),
});
export type CapacitySample = v.InferOutput<typeof capacitySampleSchema>;
