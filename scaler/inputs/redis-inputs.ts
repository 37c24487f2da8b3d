import type { ChainableCommander, Redis } from "ioredis";
import * as v from "valibot";
import type { RedisKeys, ScheduledEvent, Slo } from "../../contracts/index.ts";
import {
  capacitySampleSchema,
  decodeSeriesMember,
  fieldsOf,
  parseJsonText,
  validateForecast,
  validateScheduledEvent,
  validateSlo,
  validateWith,
} from "../../contracts/index.ts";
import { LATEST_SERIES_POINT_LUA } from "../../contracts/series-layout.ts";
import type { InputProblem, OriginObservation, ScaleOutcome } from "../policy/types.ts";

const describe = (issues: readonly { path: string; message: string }[]) =>
  issues.map((i) => `${i.path || "(root)"}: ${i.message}`).join("; ");

/** Reads every pool's SLO from the `slos` hash; an invalid one is reported and left out. */
export async function readSlos(
  redis: Redis,
  keys: RedisKeys,
): Promise<{ slos: Record<string, Slo>; problems: InputProblem[] }> {
  const stored = await redis.hgetall(keys.slos);
  const slos: Record<string, Slo> = {};
  const problems: InputProblem[] = [];
  for (const [pool, text] of Object.entries(stored)) {
    const json = parseJsonText(text);
    const slo = json.ok ? validateSlo(json.value, pool) : json;
    if (slo.ok) slos[pool] = slo.value;
    else
      problems.push({
        key: `slo:${pool}`,
        pool,
        message: `the stored SLO of ${pool} is invalid and ignored until fixed: ${describe(slo.issues)}`,
      });
  }
  return { slos, problems };
}

/** Reads the scheduled events from the `events` hash; an invalid one is reported (as a hold of
 * its pool when it names one) and left out. */
export async function readEvents(
  redis: Redis,
  keys: RedisKeys,
): Promise<{ events: ScheduledEvent[]; problems: InputProblem[] }> {
  const stored = await redis.hgetall(keys.events);
  const events: ScheduledEvent[] = [];
  const problems: InputProblem[] = [];
  for (const [id, text] of Object.entries(stored)) {
    const json = parseJsonText(text);
    const event = json.ok ? validateScheduledEvent(json.value, id) : json;
    if (event.ok) events.push(event.value);
    else {
      const pool = json.ok ? fieldsOf(json.value).pool : undefined;
      problems.push({
        key: `event:${id}`,
        ...(typeof pool === "string" ? { pool } : {}),
        message: `the stored scheduled event ${id} is invalid and ignored until fixed: ${describe(event.issues)}`,
      });
    }
  }
  return { events, problems };
}

const METRIC_FIELDS = [
  ["rps", "rps"],
  ["p95_ms", "p95Ms"],
  ["error_rate", "errorRate"],
] as const;

/** Reads each origin's latest fresh observations (newer than `staleAfterMs`), its capacity
 * sample and its rps forecast. Invalid documents are reported and treated as missing. */
export async function readObservations(
  redis: Redis,
  keys: RedisKeys,
  origins: readonly string[],
  now: number,
  staleAfterMs: number,
): Promise<{ observations: Record<string, OriginObservation>; problems: InputProblem[] }> {
  const since = now - staleAfterMs;
  const latest = latestSeriesPoint(redis);
  const pipeline = redis.pipeline();
  for (const origin of origins) {
    pipeline.get(keys.forecast(origin, "rps"));
    pipeline.zrevrangebyscore(keys.capacity(origin), "+inf", since, "LIMIT", 0, 1);
    for (const [metric] of METRIC_FIELDS) latest(pipeline, keys.series(origin, metric), since);
  }
  const replies = (await pipeline.exec()) ?? [];
  const problems: InputProblem[] = [];
  const observations: Record<string, OriginObservation> = {};
  let i = 0;
  const next = (): unknown => {
    const [error, value] = replies[i++] ?? [null, null];
    if (error) throw error;
    return value;
  };
  for (const origin of origins) {
    const observation: OriginObservation = {};
    const forecastText = next();
    if (typeof forecastText === "string") {
      const json = parseJsonText(forecastText);
      const forecast = json.ok ? validateForecast(json.value) : json;
      if (forecast.ok) observation.forecast = forecast.value;
      else
        problems.push({
          key: `forecast:${origin}`,
          origin,
          message: `the stored rps forecast of ${origin} is invalid and ignored: ${describe(forecast.issues)}`,
        });
    }
    const capacityMember = firstString(next());
    if (capacityMember !== undefined) {
      const json = parseJsonText(capacityMember);
      const sample = json.ok ? validateWith(capacitySampleSchema, json.value) : json;
      if (sample.ok)
        observation.capacity = {
          replicas: sample.value.replicas,
          ...(sample.value.capacityRps !== undefined ? { capacityRps: sample.value.capacityRps } : {}),
        };
      else
        problems.push({
          key: `capacity:${origin}`,
          origin,
          message: `the latest capacity sample of ${origin} is invalid and ignored: ${describe(sample.issues)}`,
        });
    }
    for (const [, field] of METRIC_FIELDS) {
      const member = next();
      const point = typeof member === "string" ? decodeSeriesMember(member) : null;
      if (point) observation[field] = point.value;
    }
    observations[origin] = observation;
  }
  return { observations, problems };
}

type LatestCall = (key: string, since: number) => unknown;

/** Queues the newest point of a series at or after `since` (`ms:value` or null, either layout of
 * contracts/series-layout.ts) on a pipeline of `redis`; defined once per connection, so Redis
 * gets the script's hash, not its text, on each call. */
function latestSeriesPoint(redis: Redis): (pipeline: ChainableCommander, key: string, since: number) => void {
  const name = "headroomLatestSeriesPoint";
  if (!(name in redis)) redis.defineCommand(name, { numberOfKeys: 1, lua: LATEST_SERIES_POINT_LUA });
  return (pipeline, key, since) => {
    const call = (pipeline as unknown as Record<string, LatestCall | undefined>)[name];
    if (!call) throw new Error(`the Redis script ${name} is not defined on this pipeline`);
    call.call(pipeline, key, since);
  };
}

function firstString(reply: unknown): string | undefined {
  return Array.isArray(reply) && typeof reply[0] === "string" ? reply[0] : undefined;
}

const outcomeSchema = v.strictObject({
  seq: v.pipe(v.number(), v.integer()),
  ok: v.boolean(),
  at: v.number(),
  error: v.optional(v.string()),
});

/** Reads how each origin's latest replica request ended (written by the scale job). */
export async function readOutcomes(redis: Redis, key: string): Promise<Record<string, ScaleOutcome>> {
  const stored = await redis.hgetall(key);
  const outcomes: Record<string, ScaleOutcome> = {};
  for (const [origin, text] of Object.entries(stored)) {
    const json = parseJsonText(text);
    const outcome = json.ok ? validateWith(outcomeSchema, json.value) : json;
    if (outcome.ok) outcomes[origin] = outcome.value;
  }
  return outcomes;
}
