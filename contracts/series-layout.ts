/**
 * How one series is laid out in Redis (key `series:<origin>:<metric>`), shared by the predictor,
 * which writes it, and the scaler, which reads its newest point. See docs/architecture.md.
 *
 * The key is a hash. Each chunk field `<start ms>:<step s>` holds the points of `SERIES_CHUNK_STEPS`
 * consecutive steps from `start` as little-endian float32 values, one per step in order, a NaN
 * where no point was written (a gap). Field `latest` holds the newest point as `ms:value`
 * (encodeSeriesMember), so a reader of the current value needs no chunk. Field `waiting`, while
 * the series has no model, holds the JSON SeriesWaiting of its last training attempt.
 *
 * Versions before this layout kept a series as a sorted set (score = ms, member `ms:value`); the
 * predictor converts such a key to the hash on first touch, and LATEST_SERIES_POINT_LUA reads both.
 */

/** Steps per chunk: 12 hours at the default one-minute step, 2,880 bytes of values. */
export const SERIES_CHUNK_STEPS = 720;

/** Bytes of one stored value (a float32). */
export const SERIES_VALUE_BYTES = 4;

/** Hash field of the newest point, `ms:value`. */
export const SERIES_LATEST_FIELD = "latest";

/** Hash field of the JSON SeriesWaiting of a series without a model. */
export const SERIES_WAITING_FIELD = "waiting";

/** The hash field of the chunk starting at `start` (epoch ms) on a `stepSeconds` grid. */
export function seriesChunkField(start: number, stepSeconds: number): string {
  return `${start}:${stepSeconds}`;
}

/** The chunk a hash field names, or null when the field is not a chunk. */
export function parseSeriesChunkField(field: string): { start: number; stepSeconds: number } | null {
  const match = /^(-?\d+):(\d+)$/.exec(field);
  if (!match) return null;
  const start = Number(match[1]);
  const stepSeconds = Number(match[2]);
  return Number.isSafeInteger(start) && stepSeconds >= 1 ? { start, stepSeconds } : null;
}

/**
 * Lua for EVAL with one key (the series) and one argument (epoch ms): the newest point of the
 * series at or after that time as `ms:value`, or nil. Reads the hash layout and, until the
 * predictor has converted it, the sorted set of older versions.
 */
export const LATEST_SERIES_POINT_LUA = `
local kind = redis.call('TYPE', KEYS[1])['ok']
if kind == 'zset' then
  return redis.call('ZREVRANGEBYSCORE', KEYS[1], '+inf', ARGV[1], 'LIMIT', 0, 1)[1] or false
end
if kind ~= 'hash' then return false end
local latest = redis.call('HGET', KEYS[1], '${SERIES_LATEST_FIELD}')
if not latest then return false end
local t = tonumber(string.match(latest, '^(-?%d+):'))
if t and t >= tonumber(ARGV[1]) then return latest end
return false
`;
