import type { Job } from "bullmq";
import { UnrecoverableError } from "bullmq";
import type { Decision } from "../../contracts/index.ts";
import { appendDecision } from "../decisions/decision-log.ts";
import { RemoteCallError } from "../http/http-errors.ts";
import type { JobContext } from "./job-context.ts";

/** True when this attempt is the job's last: a failure now is final. */
export function isLastAttempt(job: Job): boolean {
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

/** True when a failure will not pass (bad data, a refused call, a superseded write). */
export function isPermanent(error: unknown): boolean {
  return error instanceof UnrecoverableError || (error instanceof RemoteCallError && !error.retryable);
}

/** True when this failure ends the job: permanent, or the last attempt. */
export function isFinalFailure(job: Job, error: unknown): boolean {
  return isPermanent(error) || isLastAttempt(job);
}

/** Appends a decision to the decision stream once, and counts it when it was new. */
export async function recordDecision(ctx: JobContext, decision: Decision): Promise<void> {
  if ((await appendDecision(ctx.redis, ctx.keys.decisions, ctx.scalerKeys, decision)) !== null)
    ctx.metrics?.recorded(decision);
}

/** Records decisions as not carried out, with the reason. */
export async function recordNotApplied(
  ctx: JobContext,
  decisions: readonly Decision[],
  error: string,
): Promise<void> {
  for (const decision of decisions)
    await recordDecision(ctx, { ...decision, applied: false, error: error.slice(0, 2000) });
}

/** Records decisions as carried out. */
export async function recordApplied(
  ctx: JobContext,
  decisions: readonly Decision[],
  to?: unknown,
): Promise<void> {
  for (const decision of decisions)
    await recordDecision(ctx, { ...decision, applied: true, ...(to !== undefined ? { to } : {}) });
}

/**
 * Settles a failed attempt: a fault that will not pass (a refused call, a superseded write) or
 * the last attempt's fault records the decisions as not applied, with the error, and fails the
 * job for good (UnrecoverableError for the former); any other fault is rethrown so BullMQ retries
 * with exponential back-off.
 */
export async function settleFailure(
  ctx: JobContext,
  job: Job,
  decisions: readonly Decision[],
  error: unknown,
): Promise<never> {
  const permanent = isPermanent(error);
  const message = error instanceof Error ? error.message : String(error);
  if (permanent || isLastAttempt(job)) {
    const detail = permanent ? message : `${message} (gave up after ${job.attemptsMade + 1} attempts)`;
    await recordNotApplied(ctx, decisions, detail);
    ctx.log("error", `${job.name} ${job.id ?? ""} failed: ${detail}`);
  }
  if (permanent && !(error instanceof UnrecoverableError)) throw new UnrecoverableError(message);
  throw error;
}
