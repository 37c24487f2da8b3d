import type { Job } from "bullmq";
import { UnrecoverableError } from "bullmq";
import type { Decision, ScalerHeartbeat } from "../../contracts/index.ts";
import { RemoteCallError } from "../http/http-errors.ts";
import { readEvents, readObservations, readOutcomes, readSlos } from "../inputs/redis-inputs.ts";
import { acquireLock, loadState, releaseLock, saveStateIfHolder } from "../inputs/state-store.ts";
import { evaluatePolicy } from "../policy/evaluate-policy.ts";
import type { PolicyOutcome } from "../policy/types.ts";
import type { JobContext } from "./job-context.ts";
import { JOB_NAMES, evaluateDataSchema, jobIds, parseJobData } from "./job-data.ts";
import { recordDecision } from "./record-outcome.ts";
import type { ApplyWeightsData, ScaleData } from "./job-data.ts";

/** What an evaluation did, kept as the job's return value. */
export type EvaluateResult = {
  skipped?: string;
  decisions: number;
  scaleJobs: string[];
  weightsJob?: string;
  problems: string[];
};

/**
 * The `evaluate` job: under a Redis lock (so several scaler processes never evaluate the same
 * state at once), reads the table, overlay, SLOs, scheduled events, observations and the policy's memory, runs the
 * policy, enqueues a job per replica change and for the overlay with ids derived from the state,
 * records advised and hold decisions, then saves the new state. A crash anywhere before the save
 * replays the same evaluation with the same ids, which BullMQ and the decision log de-duplicate.
 */
export async function runEvaluate(job: Job, ctx: JobContext): Promise<EvaluateResult> {
  parseJobData(evaluateDataSchema, JOB_NAMES.evaluate, job.data);
  const token = ctx.newToken();
  if (!(await acquireLock(ctx.redis, ctx.scalerKeys, token, ctx.lockTtlMs))) {
    ctx.metrics?.skipped();
    return { skipped: "another evaluation holds the lock", decisions: 0, scaleJobs: [], problems: [] };
  }
  try {
    return await evaluateHoldingLock(ctx, token);
  } catch (error) {
    if (error instanceof RemoteCallError && !error.retryable) throw new UnrecoverableError(error.message);
    throw error;
  } finally {
    await releaseLock(ctx.redis, ctx.scalerKeys, token);
  }
}

async function evaluateHoldingLock(ctx: JobContext, token: string): Promise<EvaluateResult> {
  const now = ctx.now();
  const table = await ctx.writer.readTable();
  const overlay = await ctx.writer.readWeights();
  const origins = table.pools.flatMap((p) => p.origins.map((o) => o.id));
  const [
    { slos, problems: sloProblems },
    { events, problems: eventProblems },
    { observations, problems: dataProblems },
    outcomes,
    loaded,
  ] = await Promise.all([
    readSlos(ctx.redis, ctx.keys),
    readEvents(ctx.redis, ctx.keys),
    readObservations(ctx.redis, ctx.keys, origins, now, ctx.staleAfterMs),
    readOutcomes(ctx.redis, ctx.scalerKeys.outcomes),
    loadState(ctx.redis, ctx.scalerKeys, ctx.newToken),
  ]);
  const problems = [
    ...sloProblems,
    ...eventProblems,
    ...dataProblems,
    ...(loaded.problem ? [{ key: "state", message: loaded.problem }] : []),
  ];
  const outcome = withEpochIds(
    evaluatePolicy({
      now,
      table,
      slos,
      scaling: ctx.scaling,
      observations,
      overlay,
      outcomes,
      state: loaded.state,
      tuning: ctx.tuning,
      problems,
      events,
    }),
  );
  for (const report of outcome.reports) ctx.log("warn", report);
  const { epoch } = outcome.state;
  const urls = new Map(table.pools.flatMap((p) => p.origins.map((o) => [o.id, o.url] as const)));
  const scaleJobs = outcome.scale.map((call) => {
    const data: ScaleData = {
      epoch,
      origin: call.origin,
      pool: call.pool,
      originUrl: urls.get(call.origin) ?? "",
      from: call.from,
      to: call.to,
      seq: call.seq,
      decision: call.decision,
    };
    return { name: JOB_NAMES.scale, data, opts: { jobId: jobIds.scale(epoch, call.origin, call.seq) } };
  });
  const weights = outcome.weights;
  const weightsData: ApplyWeightsData | undefined = weights
    ? { epoch, seq: weights.seq, overlay: weights.overlay, decisions: weights.decisions }
    : undefined;
  const weightsJob = weightsData
    ? {
        name: JOB_NAMES.applyWeights,
        data: weightsData,
        opts: { jobId: jobIds.weights(epoch, weightsData.seq) },
      }
    : undefined;
  // Weights first: they act at once, while replicas take their boot time anyway.
  await ctx.queue.addBulk([...(weightsJob ? [weightsJob] : []), ...scaleJobs]);
  for (const decision of outcome.decisions) await recordDecision(ctx, decision);
  if (!(await saveStateIfHolder(ctx.redis, ctx.scalerKeys, token, outcome.state))) {
    throw new Error(
      "the evaluation lock expired before the state was saved; the next attempt re-evaluates (its jobs keep the same ids)",
    );
  }
  for (const call of outcome.scale)
    ctx.log("info", call.decision.reason, { origin: call.origin, to: call.to });
  const heartbeat: ScalerHeartbeat = {
    at: new Date(now).toISOString(),
    intervalSeconds: ctx.tuning.evaluationSeconds,
  };
  await ctx.redis.set(ctx.keys.scalerHeartbeat, JSON.stringify(heartbeat));
  ctx.metrics?.evaluated(now);
  return {
    decisions: outcome.decisions.length + outcome.scale.length + (weights?.decisions.length ?? 0),
    scaleJobs: scaleJobs.map((j) => j.opts.jobId),
    ...(weightsJob ? { weightsJob: weightsJob.opts.jobId } : {}),
    problems: problems.map((p) => p.message),
  };
}

/**
 * The policy numbers its decisions by evaluation, and that count starts again with a new epoch
 * (state lost with a Redis that kept nothing, or reset when unreadable). Prefixing the epoch's
 * first characters keeps every decision id unique, so neither the decision log's append-once
 * markers nor a platform that de-duplicates on the idempotency key takes a new decision for an
 * old one. A retried evaluation of the same state still derives the same ids.
 */
function withEpochIds(outcome: PolicyOutcome): PolicyOutcome {
  const tag = outcome.state.epoch.slice(0, 8);
  const tagged = (decision: Decision): Decision => ({ ...decision, id: `${tag}-${decision.id}` });
  return {
    ...outcome,
    decisions: outcome.decisions.map(tagged),
    scale: outcome.scale.map((call) => ({ ...call, decision: tagged(call.decision) })),
    weights: outcome.weights
      ? { ...outcome.weights, decisions: outcome.weights.decisions.map(tagged) }
      : null,
  };
}
