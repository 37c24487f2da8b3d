// Builders for policy tests and replays: tables, SLOs and forecasts from plain numbers.
import type { Forecast, OriginTable, Slo } from "../../contracts/index.ts";

/** A table of pools, each `{ name, fallback?, origins: [id, weight][] }`. */
export function tableOf(
  pools: { name: string; fallback?: string; origins: [string, number][] }[],
): OriginTable {
  return {
    version: 1,
    updatedAt: "2026-01-01T00:00:00.000Z",
    pools: pools.map((p, i) => ({
      name: p.name,
      location: { lat: 10 * i, lon: 10 * i },
      ...(p.fallback !== undefined ? { fallback: p.fallback } : {}),
      origins: p.origins.map(([id, weight], j) => ({
        id,
        url: `http://127.0.0.1:${9000 + 10 * i + j}`,
        weight,
      })),
    })),
  };
}

/** An SLO in act mode with a 70 % target, overridable field by field. */
export function sloOf(pool: string, overrides: Partial<Slo> = {}): Slo {
  return {
    pool,
    mode: "act",
    targetUtilization: 0.7,
    leadSeconds: 360,
    scaleInCooldownSeconds: 600,
    ...overrides,
  };
}

/** A forecast of `origin`'s rps from `start` for `steps` points of `stepSeconds`, whose mean is
 * `load(t)` and whose upper bound is `upperRatio` times the mean. */
export function forecastOf(
  origin: string,
  start: number,
  stepSeconds: number,
  steps: number,
  load: (t: number) => number,
  upperRatio = 1.1,
): Forecast {
  const mean = Array.from({ length: steps }, (_, i) => load(start + i * stepSeconds * 1000));
  return {
    origin,
    metric: "rps",
    generatedAt: new Date(start).toISOString(),
    start: new Date(start).toISOString(),
    stepSeconds,
    mean,
    lower: mean.map((m) => m * (2 - upperRatio)),
    upper: mean.map((m) => m * upperRatio),
    model: { kind: "seasonal-naive", version: "fixture", trainedAt: new Date(start).toISOString() },
    accuracy: { mase: 0.5, smape: 10, byModel: {} },
  };
}
