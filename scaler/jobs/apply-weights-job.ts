import type { Job } from "bullmq";
import { UnrecoverableError } from "bullmq";
import type { WeightsOverlay } from "../../contracts/index.ts";
import { StaleVersionError } from "../http/http-errors.ts";
import type { JobContext } from "./job-context.ts";
import { JOB_NAMES, applyWeightsDataSchema, parseJobData } from "./job-data.ts";
import { isFinalFailure, recordApplied, settleFailure } from "./record-outcome.ts";

/**
 * The `apply-weights` job: writes the whole overlay. A 409 after an attempt whose answer was lost
 * finds our own overlay stored and counts as success; a 409 against a newer overlay means this
 * one was superseded and fails for good, recorded as not applied.
 */
export async function runApplyWeights(job: Job, ctx: JobContext): Promise<{ version: number }> {
  const data = parseJobData(applyWeightsDataSchema, JOB_NAMES.applyWeights, job.data);
  try {
    try {
      await ctx.writer.writeWeights(data.overlay);
    } catch (error) {
      if (!(error instanceof StaleVersionError)) throw error;
      const stored = await ctx.writer.readWeights();
      if (!stored || !sameOverlay(stored, data.overlay))
        throw new UnrecoverableError(
          `superseded: the edge holds overlay version ${stored?.version ?? "unknown"}, not older than ${data.overlay.version}`,
        );
    }
  } catch (error) {
    ctx.metrics?.weightWrite(isFinalFailure(job, error) ? "failed" : "retrying");
    return settleFailure(ctx, job, data.decisions, error);
  }
  await recordApplied(ctx, data.decisions);
  ctx.metrics?.weightWrite("applied");
  return { version: data.overlay.version };
}

function sameOverlay(a: WeightsOverlay, b: WeightsOverlay): boolean {
  return (
    a.version === b.version &&
    JSON.stringify(a.factors) === JSON.stringify(b.factors) &&
    JSON.stringify(a.spill ?? {}) === JSON.stringify(b.spill ?? {})
  );
}
