import type { Redis } from "ioredis";
import type { Forecast, MetricName, ModelKind } from "../../contracts/index.ts";
import { MODEL_KINDS } from "../../contracts/index.ts";

/** One remembered forecast point: what was forecast for time `t`, made `leadSteps` ahead. */
export type PastForecast = { t: number; mean: number; lower: number; upper: number; model: ModelKind };

/** The predictor's own key (not shared with the scaler) of one series' forecast history. */
export function forecastHistoryKey(prefix: string, origin: string, metric: string): string {
  return `${prefix}:predictor:forecast-history:${origin}:${metric}`;
}

/** Six significant digits: plenty for load and latency, and a third of the bytes of a double. */
const compact = (x: number): string => String(Number(x.toPrecision(6)));

/**
 * The forecast history: per series, the point each forecast made for `leadSteps` steps ahead,
 * in a Redis sorted set scored by the time it was for (epoch ms), member
 * `t:mean:lower:upper:model`. A later forecast for the same time replaces the earlier one, so
 * every time holds exactly one point, made `leadSteps` before it. Points older than the
 * retention are dropped on each write. This is what lets the dashboard compare, after the
 * fact, what was forecast with what happened.
 */
export class ForecastHistory {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    readonly leadSteps: number,
    readonly retentionSeconds: number,
  ) {
    if (!Number.isInteger(leadSteps) || leadSteps < 1)
      throw new RangeError(`the history lead must be a whole number of steps >= 1, got ${leadSteps}`);
    if (!(retentionSeconds > 0))
      throw new RangeError(`the history retention must be positive, got ${retentionSeconds}`);
  }

  /** Remembers the forecast's point `leadSteps` ahead (its last point when it is shorter). */
  async record(forecast: Forecast, now: number): Promise<void> {
    const index = Math.min(this.leadSteps, forecast.mean.length) - 1;
    const mean = forecast.mean[index];
    const lower = forecast.lower[index];
    const upper = forecast.upper[index];
    if (index < 0 || mean === undefined || lower === undefined || upper === undefined) return;
    const t = Date.parse(forecast.start) + index * forecast.stepSeconds * 1000;
    const key = forecastHistoryKey(this.prefix, forecast.origin, forecast.metric);
    await this.redis
      .multi()
      .zremrangebyscore(key, t, t)
      .zadd(key, t, `${t}:${compact(mean)}:${compact(lower)}:${compact(upper)}:${forecast.model.kind}`)
      .zremrangebyscore(key, "-inf", `(${now - this.retentionSeconds * 1000}`)
      .exec();
  }

  /** The remembered points for times in [from, to], oldest first; unreadable members are skipped. */
  async read(origin: string, metric: MetricName, from: number, to: number): Promise<PastForecast[]> {
    const members = await this.redis.zrangebyscore(forecastHistoryKey(this.prefix, origin, metric), from, to);
    return members.flatMap((member) => {
      const decoded = decodePastForecast(member);
      return decoded ? [decoded] : [];
    });
  }
}

/** Decodes a history member; null when it is not one. */
export function decodePastForecast(member: string): PastForecast | null {
  const [t, mean, lower, upper, model, ...rest] = member.split(":");
  const numbers = [t, mean, lower, upper].map(Number);
  if (
    rest.length > 0 ||
    numbers.some((x) => !Number.isFinite(x)) ||
    !(MODEL_KINDS as readonly string[]).includes(model ?? "")
  )
    return null;
  const [tn = 0, m = 0, lo = 0, hi = 0] = numbers;
  return { t: tn, mean: m, lower: lo, upper: hi, model: model as ModelKind };
}
