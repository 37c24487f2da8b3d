import type { Redis } from "ioredis";
import { LATEST_SERIES_POINT_LUA, SERIES_LATEST_FIELD } from "../../contracts/series-layout.ts";

/**
 * The Lua scripts of the series store. A script runs atomically in Redis, so a write of a series
 * (its chunk slots, its `latest`, its trimming, its index entry) is all there or not at all: two
 * writers of one step each replace the same slot (no doubled point), and a write the caller saw
 * acknowledged survives the caller's death. A key still in the old sorted-set layout is refused
 * with an error starting `LEGACY`, which the store answers by converting it.
 */

const CHUNK_FIELD = "'^(-?%d+):(%d+)$'";

const CHECK_LAYOUT = `
local kind = redis.call('TYPE', KEYS[1])['ok']
if kind == 'zset' then return redis.error_reply('LEGACY ' .. KEYS[1]) end
if kind ~= 'hash' and kind ~= 'none' then
  return redis.error_reply('WRONGTYPE ' .. KEYS[1] .. ' holds a ' .. kind .. ', not a series')
end`;

/**
 * KEYS: series hash, series index. ARGV: oldest kept ms, step s, slots of a new chunk, gap bytes,
 * newest ms of this write, its `ms:value`, index member; then per chunk: start ms, n, and n pairs
 * (slot, four bytes) in ascending slot order.
 */
const WRITE_LUA = `${CHECK_LAYOUT}
local key = KEYS[1]
local oldest = tonumber(ARGV[1])
local step = ARGV[2]
local gap = ARGV[4]
local i = 8
while i <= #ARGV do
  local field = ARGV[i] .. ':' .. step
  local n = tonumber(ARGV[i + 1])
  local chunk = redis.call('HGET', key, field) or string.rep(gap, tonumber(ARGV[3]))
  local need = (tonumber(ARGV[i + 2 * n]) + 1) * 4
  if #chunk < need then chunk = chunk .. string.rep(gap, (need - #chunk) / 4) end
  local parts, pos = {}, 0
  for j = 0, n - 1 do
    local at = tonumber(ARGV[i + 2 + 2 * j]) * 4
    parts[#parts + 1] = string.sub(chunk, pos + 1, at)
    parts[#parts + 1] = ARGV[i + 3 + 2 * j]
    pos = at + 4
  end
  parts[#parts + 1] = string.sub(chunk, pos + 1)
  redis.call('HSET', key, field, table.concat(parts))
  i = i + 2 + 2 * n
end
local latest = redis.call('HGET', key, '${SERIES_LATEST_FIELD}')
if not latest or tonumber(string.match(latest, '^(-?%d+):')) <= tonumber(ARGV[5]) then
  redis.call('HSET', key, '${SERIES_LATEST_FIELD}', ARGV[6])
end
for _, field in ipairs(redis.call('HKEYS', key)) do
  local s, st = string.match(field, ${CHUNK_FIELD})
  local start = tonumber(s)
  if start and start < oldest then
    local stepMs = tonumber(st) * 1000
    if start + (redis.call('HSTRLEN', key, field) / 4) * stepMs <= oldest then
      redis.call('HDEL', key, field)
    else
      local k = math.ceil((oldest - start) / stepMs)
      local chunk = redis.call('HGET', key, field)
      local prefix = string.rep(gap, k)
      if string.sub(chunk, 1, 4 * k) ~= prefix then
        redis.call('HSET', key, field, prefix .. string.sub(chunk, 4 * k + 1))
      end
    end
  end
end
redis.call('SADD', KEYS[2], ARGV[7])
return 1`;

/** KEYS: series hash. ARGV: from ms, to ms. Returns field, bytes, ... of the chunks overlapping. */
const READ_LUA = `${CHECK_LAYOUT}
local from, to = tonumber(ARGV[1]), tonumber(ARGV[2])
local out = {}
for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
  local s, st = string.match(field, ${CHUNK_FIELD})
  if s then
    local start = tonumber(s)
    local span = (redis.call('HSTRLEN', KEYS[1], field) / 4) * tonumber(st) * 1000
    if start <= to and start + span > from then
      out[#out + 1] = field
      out[#out + 1] = redis.call('HGET', KEYS[1], field)
    end
  end
end
return out`;

type Arg = string | number | Buffer;
type ScriptMethod = (...args: Arg[]) => Promise<unknown>;

/** The store's scripts, defined on one connection (ioredis sends EVALSHA, and the script itself
 * when Redis lost it, e.g. after a restart). */
export type SeriesScripts = {
  write(keys: [series: string, index: string], args: Arg[]): Promise<unknown>;
  read(series: string, from: number, to: number): Promise<Buffer[]>;
  /** The newest point at or after `since` as `ms:value`, in either layout, or null. */
  latest(series: string, since: number): Promise<string | null>;
};

/** Defines the scripts on `redis` (idempotent) and returns callers for them. */
export function seriesScripts(redis: Redis): SeriesScripts {
  redis.defineCommand("headroomSeriesWrite", { numberOfKeys: 2, lua: WRITE_LUA });
  redis.defineCommand("headroomSeriesRead", { numberOfKeys: 1, lua: READ_LUA });
  redis.defineCommand("headroomSeriesLatest", { numberOfKeys: 1, lua: LATEST_SERIES_POINT_LUA });
  const method = (name: string): ScriptMethod => {
    const found = (redis as unknown as Record<string, ScriptMethod | undefined>)[name];
    if (!found) throw new Error(`the Redis script ${name} is not defined`);
    return found.bind(redis);
  };
  const write = method("headroomSeriesWrite");
  const read = method("headroomSeriesReadBuffer");
  const latest = method("headroomSeriesLatest");
  return {
    write: (keys, args) => write(...keys, ...args),
    read: async (series, from, to) => (await read(series, from, to)) as Buffer[],
    latest: async (series, since) => {
      const member = await latest(series, since);
      return typeof member === "string" ? member : null;
    },
  };
}

/** True when an error is the scripts' refusal of a series in the old sorted-set layout. */
export function isLegacySeries(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith("LEGACY ");
}
