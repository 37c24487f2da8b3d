import * as v from "valibot";
import type { Validated } from "./validation.ts";
import { boundedInteger, boundedNumber, validateWith } from "./validation.ts";

/** Body of `POST /__sim/scale` on a simulated origin: the replicas it should run. */
export const simScaleRequestSchema = v.strictObject(
  { replicas: boundedInteger(0, 100_000) },
  "must be an object with one field, replicas (an integer >= 0)",
);
export type SimScaleRequest = v.InferOutput<typeof simScaleRequestSchema>;

/** Answer of `GET`/`POST /__sim/scale`: replicas serving now, the target, those still booting,
 * and the throughput the serving ones can take. */
export const simScaleStateSchema = v.strictObject({
  replicas: boundedInteger(0, 100_000),
  desired: boundedInteger(0, 100_000),
  booting: boundedInteger(0, 100_000),
  capacityRps: boundedNumber(0, Number.MAX_VALUE),
});
export type SimScaleState = v.InferOutput<typeof simScaleStateSchema>;

/** Validates a scale request body. */
export function validateSimScaleRequest(input: unknown): Validated<SimScaleRequest> {
  return validateWith(simScaleRequestSchema, input);
}

/** Validates a scale state (what a client of the simulator reads back). */
export function validateSimScaleState(input: unknown): Validated<SimScaleState> {
  return validateWith(simScaleStateSchema, input);
}
