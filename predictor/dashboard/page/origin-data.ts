import type { CapacitySample, Forecast, MetricName, SeriesWindow } from "../../../contracts/index.ts";
import type { ReviewedSeries } from "./api.ts";
import { api } from "./api.ts";

/** Everything the page shows of one origin over a time window. */
export type OriginData = {
  origin: string;
  windows: Map<MetricName, SeriesWindow>;
  forecasts: Map<MetricName, Forecast>;
  capacity: CapacitySample[];
  history: Map<MetricName, ReviewedSeries>;
  /** What could not be read (the rest is shown). */
  errors: string[];
};

/** Reads one origin's series, forecasts, capacity and (when kept) forecast history; a part that
 * fails is reported in `errors` and the others still show. */
export async function loadOrigin(
  origin: string,
  minutes: number,
  parts: { forecasts: boolean; history: boolean },
): Promise<OriginData> {
  const [series, forecasts, capacity, history] = await Promise.allSettled([
    api.series(origin, minutes),
    parts.forecasts ? api.forecasts(origin) : Promise.resolve({ forecasts: [] }),
    api.capacity(origin, minutes),
    parts.history ? api.history(origin, minutes) : Promise.resolve({ series: [] as ReviewedSeries[] }),
  ]);
  const errors: string[] = [];
  const value = <T>(result: PromiseSettledResult<T>, what: string): T | null => {
    if (result.status === "fulfilled") return result.value;
    errors.push(`${what}: ${result.reason instanceof Error ? result.reason.message : String(result.reason)}`);
    return null;
  };
  return {
    origin,
    windows: new Map((value(series, "series")?.series ?? []).map((w) => [w.metric, w])),
    forecasts: new Map((value(forecasts, "forecasts")?.forecasts ?? []).map((f) => [f.metric, f])),
    capacity: value(capacity, "capacity")?.capacity[0]?.samples ?? [],
    history: new Map((value(history, "forecast history")?.series ?? []).map((s) => [s.metric, s])),
    errors,
  };
}
