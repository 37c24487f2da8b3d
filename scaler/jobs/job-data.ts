import { UnrecoverableError } from "bullmq";
import * as v from "valibot";
import {
  boundedInteger,
  decisionSchema,
  originId,
  poolName,
  validateWith,
  weightsOverlaySchema,
} from "../../contracts/index.ts";

/** Job names on the scaler's queue. */
export const JOB_NAMES = { evaluate: "evaluate", applyWeights: "apply-weights", scale: "scale" } as const;

/** Data of an `evaluate` job (the scheduler sends `{}`; an operator may add a trigger note). */
export const evaluateDataSchema = v.strictObject({
  trigger: v.optional(v.pipe(v.string(), v.maxLength(200))),
});

/** Data of an `apply-weights` job: the overlay to write and the decisions it carries out. */
export const applyWeightsDataSchema = v.strictObject({
  epoch: v.string(),
  seq: boundedInteger(1, Number.MAX_SAFE_INTEGER),
  overlay: weightsOverlaySchema,
  decisions: v.array(decisionSchema),
});
export type ApplyWeightsData = v.InferOutput<typeof applyWeightsDataSchema>;

/** Data of a `scale` job: one replica change for one origin. */
export const scaleDataSchema = v.strictObject({
  epoch: v.string(),
  origin: originId,
  pool: poolName,
  originUrl: v.pipe(v.string(), v.url()),
  from: boundedInteger(0, 1_000_000),
  to: boundedInteger(0, 1_000_000),
  seq: boundedInteger(1, Number.MAX_SAFE_INTEGER),
  decision: decisionSchema,
});
export type ScaleData = v.InferOutput<typeof scaleDataSchema>;

/** Validates job data; invalid data fails the job at once, without retries, naming every
 * problem (BullMQ's UnrecoverableError). */
export function parseJobData<S extends v.GenericSchema>(
  schema: S,
  name: string,
  data: unknown,
): v.InferOutput<S> {
  const result = validateWith(schema, data);
  if (!result.ok)
    throw new UnrecoverableError(
      `invalid ${name} job data: ${result.issues.map((i) => `${i.path || "(root)"}: ${i.message}`).join("; ")}`,
    );
  return result.value;
}

/** Deterministic job ids: the same state always yields the same ids, so a retried or repeated
 * evaluation adds nothing BullMQ does not already hold. */
export const jobIds = {
  weights: (epoch: string, seq: number) => `weights-${epoch}-${seq}`,
  scale: (epoch: string, origin: string, seq: number) => `scale-${epoch}-${origin}-${seq}`,
};
