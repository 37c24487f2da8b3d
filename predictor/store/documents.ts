import type { Redis } from "ioredis";
import type {
  Decision,
  Forecast,
  RedisEpoch,
  RedisKeys,
  ScalerHeartbeat,
  ScheduledEvent,
  Slo,
  ValidationIssue,
} from "../../contracts/index.ts";
import {
  EVENT_RETENTION_DAYS,
  MAX_EVENTS,
  ValidationError,
  validateDecision,
  validateForecast,
  validateScalerHeartbeat,
  validateScheduledEvent,
  validateSlo,
} from "../../contracts/index.ts";
import { readRedisEpoch } from "../../node-shared/redis-epoch.ts";
import { SourceProblemStore } from "./source-problems.ts";

/** Which decisions to read: a time range (epoch ms) and fields that must match. */
export type DecisionFilter = {
  since?: number;
  until?: number;
  pool?: string;
  origin?: string;
  mode?: Decision["mode"];
  applied?: boolean;
};

function matches(decision: Decision, filter: DecisionFilter): boolean {
  return (
    (filter.pool === undefined || decision.pool === filter.pool) &&
    (filter.origin === undefined || decision.origin === filter.origin) &&
    (filter.mode === undefined || decision.mode === filter.mode) &&
    (filter.applied === undefined || decision.applied === filter.applied)
  );
}

/** A stored document that no longer passes its schema (written by an older or buggy writer). */
export type InvalidDocument = { key: string; issues: ValidationIssue[] };

/**
 * The JSON documents the predictor shares through Redis: forecasts (written here, read by the
 * scaler and the dashboard), SLOs (written through the API, read by the scaler) and decisions
 * (written by the scaler, shown by the API). Everything read is validated against its contract.
 */
export class DocumentStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  /** Stores the forecast of one series (validated first: an invalid one is never written). */
  async writeForecast(forecast: Forecast): Promise<void> {
    const checked = validateForecast(forecast);
    if (!checked.ok)
      throw new ValidationError(`forecast for ${forecast.origin}/${forecast.metric}`, checked.issues);
    await this.redis
      .multi()
      .set(this.keys.forecast(forecast.origin, forecast.metric), JSON.stringify(checked.value))
      .sadd(this.keys.forecastIndex, `${forecast.origin}/${forecast.metric}`)
      .exec();
  }

  /** Every stored forecast, sorted by origin then metric, with any invalid ones reported apart. */
  async readForecasts(): Promise<{ forecasts: Forecast[]; invalid: InvalidDocument[] }> {
    const ids = (await this.redis.smembers(this.keys.forecastIndex)).sort();
    const keys = ids.map((id) => {
      const slash = id.lastIndexOf("/");
      return this.keys.forecast(id.slice(0, slash), id.slice(slash + 1));
    });
    const texts = keys.length > 0 ? await this.redis.mget(...keys) : [];
    const forecasts: Forecast[] = [];
    const invalid: InvalidDocument[] = [];
    texts.forEach((text, i) => {
      if (text === null) return;
      const checked = validateForecast(parseJson(text));
      if (checked.ok) forecasts.push(checked.value);
      else invalid.push({ key: keys[i] ?? "", issues: checked.issues });
    });
    return { forecasts, invalid };
  }

  /** Every pool's SLO, sorted by pool. */
  async readSlos(): Promise<{ slos: Slo[]; invalid: InvalidDocument[] }> {
    const all = await this.redis.hgetall(this.keys.slos);
    const slos: Slo[] = [];
    const invalid: InvalidDocument[] = [];
    for (const pool of Object.keys(all).sort()) {
      const checked = validateSlo(parseJson(all[pool] ?? ""), pool);
      if (checked.ok) slos.push(checked.value);
      else invalid.push({ key: `${this.keys.slos}#${pool}`, issues: checked.issues });
    }
    return { slos, invalid };
  }

  /** Replaces one pool's SLO (the caller has validated it). */
  async writeSlo(slo: Slo): Promise<void> {
    await this.redis.hset(this.keys.slos, slo.pool, JSON.stringify(slo));
  }

  /** Writes a declared SLO only where its pool has none (an edit made through the API stays). */
  async restoreSlo(slo: Slo): Promise<boolean> {
    return (await this.redis.hsetnx(this.keys.slos, slo.pool, JSON.stringify(slo))) === 1;
  }

  /** Writes a declared event only where its id has none; refused past MAX_EVENTS. */
  async restoreEvent(event: ScheduledEvent): Promise<boolean> {
    if ((await this.redis.hlen(this.keys.events)) >= MAX_EVENTS) return false;
    return (await this.redis.hsetnx(this.keys.events, event.id, JSON.stringify(event))) === 1;
  }

  /** Every scheduled event, by start then id, with any invalid ones reported apart. */
  async readEvents(): Promise<{ events: ScheduledEvent[]; invalid: InvalidDocument[] }> {
    const all = await this.redis.hgetall(this.keys.events);
    const events: ScheduledEvent[] = [];
    const invalid: InvalidDocument[] = [];
    for (const [id, text] of Object.entries(all)) {
      const checked = validateScheduledEvent(parseJson(text), id);
      if (checked.ok) events.push(checked.value);
      else invalid.push({ key: `${this.keys.events}#${id}`, issues: checked.issues });
    }
    events.sort((a, b) => Date.parse(a.start) - Date.parse(b.start) || a.id.localeCompare(b.id));
    return { events, invalid };
  }

  /**
   * Stores a scheduled event (the caller has validated it), replacing one with the same id, and
   * prunes events that ended more than EVENT_RETENTION_DAYS before `now`. Refused, with nothing
   * changed, when it would make more than MAX_EVENTS. Returns whether it replaced one.
   */
  async writeEvent(event: ScheduledEvent, now: number): Promise<{ replaced: boolean }> {
    const all = await this.redis.hgetall(this.keys.events);
    const cutoff = now - EVENT_RETENTION_DAYS * 86_400_000;
    const expired = Object.entries(all)
      .filter(([id, text]) => {
        const checked = validateScheduledEvent(parseJson(text), id);
        return id !== event.id && checked.ok && Date.parse(checked.value.end) < cutoff;
      })
      .map(([id]) => id);
    const replaced = event.id in all;
    const count = Object.keys(all).length - expired.length + (replaced ? 0 : 1);
    if (count > MAX_EVENTS)
      throw new ValidationError("the scheduled events", [
        { path: "", message: `at most ${MAX_EVENTS} events may be stored; delete some first` },
      ]);
    const multi = this.redis.multi().hset(this.keys.events, event.id, JSON.stringify(event));
    if (expired.length > 0) multi.hdel(this.keys.events, ...expired);
    await multi.exec();
    return { replaced };
  }

  /** Deletes a scheduled event; the one deleted, or null when there was none (an unreadable one
   * is deleted too, and returned as null). */
  async deleteEvent(id: string): Promise<{ deleted: boolean; event: ScheduledEvent | null }> {
    const replies =
      (await this.redis.multi().hget(this.keys.events, id).hdel(this.keys.events, id).exec()) ?? [];
    const text = replies[0]?.[1];
    const removed = replies[1]?.[1];
    const checked = typeof text === "string" ? validateScheduledEvent(parseJson(text), id) : null;
    return { deleted: removed === 1, event: checked?.ok ? checked.value : null };
  }

  /** The newest decisions first, at most `limit`, from the stream the scaler appends to; with a
   * filter, only those recorded within [since, until] (epoch ms, by stream entry time) that match
   * every given field. Reads the stream in pages, so a rare match is found without reading it all
   * at once. */
  async readDecisions(
    limit: number,
    filter: DecisionFilter = {},
  ): Promise<{ decisions: (Decision & { streamId: string })[]; invalid: InvalidDocument[] }> {
    const decisions: (Decision & { streamId: string })[] = [];
    const invalid: InvalidDocument[] = [];
    const page = Math.min(1000, Math.max(limit, 100));
    let end = filter.until !== undefined ? String(Math.floor(filter.until)) : "+";
    const start = filter.since !== undefined ? String(Math.ceil(filter.since)) : "-";
    while (decisions.length < limit) {
      const entries = await this.redis.xrevrange(this.keys.decisions, end, start, "COUNT", page);
      for (const [streamId, fields] of entries) {
        const at = fields.indexOf("decision");
        const checked = validateDecision(parseJson(at >= 0 ? (fields[at + 1] ?? "") : ""));
        if (!checked.ok) invalid.push({ key: `${this.keys.decisions}#${streamId}`, issues: checked.issues });
        else if (matches(checked.value, filter) && decisions.length < limit)
          decisions.push({ ...checked.value, streamId });
      }
      const last = entries[entries.length - 1];
      if (entries.length < page || !last) break;
      end = `(${last[0]}`;
    }
    return { decisions, invalid };
  }

  /** The scaler's last evaluation, or null when none was recorded (or it cannot be read). */
  async readScalerHeartbeat(): Promise<ScalerHeartbeat | null> {
    const text = await this.redis.get(this.keys.scalerHeartbeat);
    if (text === null) return null;
    const checked = validateScalerHeartbeat(parseJson(text));
    return checked.ok ? checked.value : null;
  }

  /** The Redis epoch (when this Redis's data began, and whether it replaced one that was lost). */
  async readEpoch(): Promise<RedisEpoch | null> {
    return readRedisEpoch(this.redis, this.keys);
  }

  /** The data sources failing now (a getter: it shares this store's connection and keys). */
  get sourceProblems(): SourceProblemStore {
    return new SourceProblemStore(this.redis, this.keys);
  }

  /** Appends a scrape error (the stream keeps about the newest 10,000). */
  async recordScrapeError(error: {
    at: number;
    target: string;
    origin: string;
    message: string;
  }): Promise<void> {
    await this.redis.xadd(
      this.keys.scrapeErrors,
      "MAXLEN",
      "~",
      10_000,
      "*",
      "at",
      new Date(error.at).toISOString(),
      "target",
      error.target,
      "origin",
      error.origin,
      "error",
      error.message,
    );
  }

  /** The newest scrape errors first. */
  async readScrapeErrors(
    limit: number,
  ): Promise<{ id: string; at: string; target: string; origin: string; error: string }[]> {
    const entries = await this.redis.xrevrange(this.keys.scrapeErrors, "+", "-", "COUNT", limit);
    return entries.map(([id, fields]) => {
      const get = (name: string) => {
        const i = fields.indexOf(name);
        return i >= 0 ? (fields[i + 1] ?? "") : "";
      };
      return { id, at: get("at"), target: get("target"), origin: get("origin"), error: get("error") };
    });
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
