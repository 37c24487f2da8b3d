import type { Redis } from "ioredis";
import type { Decision } from "../../contracts/index.ts";
import { ValidationError, validateDecision } from "../../contracts/index.ts";
import type { ScalerKeys } from "../inputs/scaler-keys.ts";

/** Stream length kept (approximately, as XADD MAXLEN ~ trims). */
export const DECISIONS_KEPT = 10_000;
const MARKER_TTL_SECONDS = 7 * 86_400;

// Appends only if the decision's marker was not yet set, atomically, so a job retried after it
// appended never appends the same decision twice.
const APPEND_ONCE = `if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[2]) then return redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', 'decision', ARGV[1]) end return false`;

/** Appends a decision to the decisions stream (field `decision`, JSON), once per id; returns
 * the stream entry id, or null when it was already there. An invalid decision is a bug and
 * throws a ValidationError naming every problem. */
export async function appendDecision(
  redis: Redis,
  stream: string,
  keys: ScalerKeys,
  decision: Decision,
): Promise<string | null> {
  const checked = validateDecision(decision);
  if (!checked.ok) throw new ValidationError(`decision ${decision.id}`, checked.issues);
  const id = await redis.eval(
    APPEND_ONCE,
    2,
    keys.recorded(decision.id),
    stream,
    JSON.stringify(checked.value),
    MARKER_TTL_SECONDS,
    DECISIONS_KEPT,
  );
  return typeof id === "string" ? id : null;
}
