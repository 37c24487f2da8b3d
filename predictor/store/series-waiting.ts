import type { Redis } from "ioredis";
import type { SeriesWaiting } from "../../contracts/index.ts";
import { parseJsonText, seriesWaitingSchema, validateWith } from "../../contracts/index.ts";
import { SERIES_WAITING_FIELD } from "../../contracts/series-layout.ts";

/** The recorded wait of a series (field `waiting` of its hash), or null: none, or unreadable. */
export async function readWaiting(redis: Redis, key: string): Promise<SeriesWaiting | null> {
  const text = await redis.hget(key, SERIES_WAITING_FIELD).catch(() => null);
  if (text === null) return null;
  const json = parseJsonText(text);
  const waiting = json.ok ? validateWith(seriesWaitingSchema, json.value) : json;
  return waiting.ok ? waiting.value : null;
}

/** Sets the field only on a series that exists in the hash layout: a train job for a series with
 * no points must not create one (nor touch a key still in the old sorted-set layout). */
const SET_IF_SERIES_LUA = `if redis.call('TYPE', KEYS[1])['ok'] ~= 'hash' then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1`;

/**
 * Records why a series has no model yet, or clears it (null: it has one now). Returns true when
 * the series starts waiting or waits for another number of points than before, so the caller
 * says so once and not at every attempt.
 */
export async function writeWaiting(
  redis: Redis,
  key: string,
  waiting: SeriesWaiting | null,
): Promise<boolean> {
  const before = await readWaiting(redis, key);
  if (waiting === null) {
    if (before) await redis.hdel(key, SERIES_WAITING_FIELD);
    return false;
  }
  const stored = await redis.eval(SET_IF_SERIES_LUA, 1, key, SERIES_WAITING_FIELD, JSON.stringify(waiting));
  return stored === 1 && before?.need !== waiting.need;
}
