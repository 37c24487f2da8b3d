import type { Job } from "bullmq";
import { UnrecoverableError } from "bullmq";
import { peekState } from "../inputs/state-store.ts";
import type { ScaleOutcome } from "../policy/types.ts";
import type { JobContext } from "./job-context.ts";
import { JOB_NAMES, parseJobData, scaleDataSchema } from "./job-data.ts";
import { isFinalFailure, recordApplied, recordNotApplied, settleFailure } from "./record-outcome.ts";

/**
 * The `scale` job: one replica change through the origin's provider. A request the policy has
 * since replaced (a later one for the same origin) is dropped rather than sent late, so a retry
 * can never undo a newer change. The outcome is stored for the policy, which lets a failed
 * request be asked again after a pause.
 */
export async function runScale(
  job: Job,
  ctx: JobContext,
): Promise<{ replicas: number } | { superseded: number }> {
  const data = parseJobData(scaleDataSchema, JOB_NAMES.scale, job.data);
  const state = await peekState(ctx.redis, ctx.scalerKeys);
  const latest = state?.epoch === data.epoch ? (state.origins[data.origin]?.seq ?? 0) : data.seq;
  if (latest > data.seq) {
    await recordNotApplied(
      ctx,
      [data.decision],
      `superseded by a later request for ${data.origin} (#${latest})`,
    );
    ctx.metrics?.scaleRequest(data.origin, "superseded");
    return { superseded: latest };
  }
  try {
    const provider = ctx.providers.forOrigin(data.origin, data.originUrl);
    if (!provider) throw new UnrecoverableError(`no scaling provider is configured for ${data.origin}`);
    const result = await provider.scale({
      origin: data.origin,
      pool: data.pool,
      current: data.from,
      desired: data.to,
      reason: data.decision.reason,
      decisionId: data.decision.id,
    });
    await writeOutcome(ctx, data.origin, { seq: data.seq, ok: true, at: ctx.now() });
    await recordApplied(ctx, [data.decision], { replicas: result.replicas });
    ctx.metrics?.scaleRequest(data.origin, "applied");
    return result;
  } catch (error) {
    ctx.metrics?.scaleRequest(data.origin, isFinalFailure(job, error) ? "failed" : "retrying");
    if (isFinalFailure(job, error))
      await writeOutcome(ctx, data.origin, {
        seq: data.seq,
        ok: false,
        at: ctx.now(),
        error: error instanceof Error ? error.message.slice(0, 500) : String(error),
      });
    return settleFailure(ctx, job, [data.decision], error);
  }
}

async function writeOutcome(ctx: JobContext, origin: string, outcome: ScaleOutcome): Promise<void> {
  await ctx.redis.hset(ctx.scalerKeys.outcomes, origin, JSON.stringify(outcome));
}
