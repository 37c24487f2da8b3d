/**
 * Redis keys shared by the predictor and the scaler. Every key starts with a prefix (default
 * `lb`) so several deployments, or tests, can share one Redis.
 */
export const DEFAULT_REDIS_PREFIX = "lb";

/** BullMQ queue names (BullMQ adds its own `bull:` prefix). */
export const QUEUE_NAMES = { predictor: "lb-predictor", scaler: "lb-scaler" } as const;

/** The key of every shared Redis document, under `prefix`. */
export function redisKeys(prefix: string = DEFAULT_REDIS_PREFIX) {
  return {
    /** Hash of one series: float32 chunks, `latest`, `waiting` (layout in series-layout.ts). */
    series: (origin: string, metric: string) => `${prefix}:series:${origin}:${metric}`,
    /** Set of `origin/metric` pairs that have a series. */
    seriesIndex: `${prefix}:series-index`,
    /** String: the JSON Forecast served for one series. */
    forecast: (origin: string, metric: string) => `${prefix}:forecast:${origin}:${metric}`,
    /** Set of `origin/metric` pairs that have a forecast. */
    forecastIndex: `${prefix}:forecast-index`,
    /** Hash: pool name -> JSON Slo. */
    slos: `${prefix}:slos`,
    /** Stream of decisions, applied or advised; field `decision` holds the JSON Decision. */
    decisions: `${prefix}:decisions`,
    /** Sorted set of one origin's capacity: score = epoch ms, member = JSON CapacitySample. */
    capacity: (origin: string) => `${prefix}:capacity:${origin}`,
    /** Stream of scrape errors: fields `at`, `target`, `origin`, `error`. */
    scrapeErrors: `${prefix}:scrape-errors`,
    /** Hash: source (a scrape URL or a Prometheus query) -> JSON SourceProblem, while it fails
     * (docs/architecture.md, "Redis keys"). */
    sourceProblems: `${prefix}:source-problems`,
    /** String: the JSON ScalerHeartbeat of the last evaluation (docs/architecture.md, "Redis keys"). */
    scalerHeartbeat: `${prefix}:scaler-heartbeat`,
    /** Hash: event id -> JSON ScheduledEvent (docs/architecture.md, "Redis keys"). */
    events: `${prefix}:events`,
    /** String: the JSON RedisEpoch, which tells a Redis that lost its data from one that did not. */
    epoch: `${prefix}:epoch`,
  };
}
export type RedisKeys = ReturnType<typeof redisKeys>;

/** Encodes one series point as `ms:value`: a series' `latest` field, and a member of the sorted
 * sets of versions before the chunked layout (the time kept members of a series unique). */
export function encodeSeriesMember(t: number, value: number): string {
  return `${t}:${value}`;
}

/** Decodes a sorted-set member written by encodeSeriesMember; null when it is not one. */
export function decodeSeriesMember(member: string): { t: number; value: number } | null {
  const colon = member.indexOf(":");
  if (colon <= 0) return null;
  const t = Number(member.slice(0, colon));
  const value = Number(member.slice(colon + 1));
  return Number.isFinite(t) && Number.isFinite(value) ? { t, value } : null;
}
