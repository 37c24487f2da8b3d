import * as v from "valibot";
import { ORIGIN_ID_PATTERN, poolName } from "./names.ts";
import type { Validated, ValidationIssue } from "./validation.ts";
import { boundedNumber, fieldsOf, isoTimestamp, keyFromPath, validateWith } from "./validation.ts";

/** Longest a scheduled event may last. */
export const MAX_EVENT_DAYS = 31;
/** Most events one deployment may hold (ended ones included until they are pruned). */
export const MAX_EVENTS = 1000;
/** Ended events are kept this long (for the dashboard's charts and the review), then pruned. */
export const EVENT_RETENTION_DAYS = 7;

export const eventId = v.pipe(
  v.string("must be a string"),
  v.regex(
    ORIGIN_ID_PATTERN,
    "must be 1-63 lower-case letters, digits, '-', '_' or '.', starting with a letter or digit",
  ),
);

/**
 * Schema of a scheduled event: a stretch of time in which an operator expects a pool to be
 * offered a load its forecast cannot know (a launch, a sale, a broadcast). Set through the
 * predictor's API or dashboard, read by the scaler, which plans for at least `expectedRps` over
 * [start, end) as it plans for a forecast, so replicas have booted when the event starts.
 * An extension of the Redis documents (hash `events`, id -> JSON; docs/architecture.md, "Redis keys").
 */
export const scheduledEventSchema = v.strictObject({
  id: eventId,
  pool: poolName,
  start: isoTimestamp,
  end: isoTimestamp,
  /** The load the pool is expected to be offered during the event, in requests per second. */
  expectedRps: boundedNumber(0.001, 1e9),
  note: v.optional(v.pipe(v.string("must be a string"), v.maxLength(200, "must be at most 200 characters"))),
});

export type ScheduledEvent = v.InferOutput<typeof scheduledEventSchema>;

/** The rules across fields: the end after the start, within MAX_EVENT_DAYS. Run on whatever the
 * document holds, so one answer lists these with any problem of shape. */
function timeIssues(input: unknown): ValidationIssue[] {
  const fields = fieldsOf(input);
  const start = typeof fields.start === "string" ? Date.parse(fields.start) : Number.NaN;
  const end = typeof fields.end === "string" ? Date.parse(fields.end) : Number.NaN;
  if (Number.isNaN(start) || Number.isNaN(end)) return [];
  if (end <= start) return [{ path: "end", message: `must be after start (${fields.start as string})` }];
  if (end - start > MAX_EVENT_DAYS * 86_400_000)
    return [{ path: "end", message: `must be at most ${MAX_EVENT_DAYS} days after start` }];
  return [];
}

/** Validates a scheduled event; with `idFromPath`, the body's id (when given) must match it. */
export function validateScheduledEvent(input: unknown, idFromPath?: string): Validated<ScheduledEvent> {
  const { body, issues: pathIssues } =
    idFromPath === undefined ? { body: input, issues: [] } : keyFromPath(input, "id", idFromPath);
  const result = validateWith(scheduledEventSchema, body);
  const issues = [...(result.ok ? [] : result.issues), ...timeIssues(body), ...pathIssues];
  return result.ok && issues.length === 0 ? result : { ok: false, issues };
}

/** True when the event covers some of [fromMs, toMs). */
export function eventOverlaps(event: ScheduledEvent, fromMs: number, toMs: number): boolean {
  return Date.parse(event.start) < toMs && Date.parse(event.end) > fromMs;
}
