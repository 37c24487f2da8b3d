import type { Redis } from "ioredis";
import type { Decision, Forecast, Slo } from "../../../contracts/index.ts";
import { redisKeys, seededRng, waitingReason } from "../../../contracts/index.ts";
import { DocumentStore } from "../../../predictor/store/documents.ts";
import { ForecastHistory } from "../../../predictor/store/forecast-history.ts";
import { SeriesStore } from "../../../predictor/store/series-store.ts";

/** The seeded world: two pools, three origins, an hour of data at a 10 s step. */
export const SEED = {
  stepSeconds: 10,
  horizonSteps: 6,
  pools: { "eu-west": ["eu-1", "eu-2"], "us-east": ["us-1"] } as Record<string, string[]>,
  rpsPerReplica: 20,
};

/** Everything the dashboard reads, written to Redis under `prefix` as the predictor and the
 * scaler would write it: series (load with a daily-like swell, latency rising with
 * utilisation), capacity samples (a scale-out 20 minutes ago), forecasts, a forecast history,
 * SLOs and decisions. `extra` decisions are appended last (the newest). */
export async function seedDashboard(
  redis: Redis,
  prefix: string,
  now: number,
  extra: Decision[] = [],
): Promise<{ series: SeriesStore; documents: DocumentStore; history: ForecastHistory }> {
  const keys = redisKeys(prefix);
  const stepMs = SEED.stepSeconds * 1000;
  const series = new SeriesStore(redis, keys, SEED.stepSeconds, 86_400);
  const documents = new DocumentStore(redis, keys);
  const history = new ForecastHistory(redis, prefix, SEED.horizonSteps, 86_400);
  const rng = seededRng(42);
  const current = series.bucketOf(now);
  const steps = 360;
  const scaledAt = current - 120 * stepMs;
  const origins = Object.values(SEED.pools).flat();
  for (const [k, origin] of origins.entries()) {
    const points = [];
    const level = 40 + 15 * k;
    const loadAt = (i: number) =>
      level * (1 + 0.45 * Math.sin((i / steps) * Math.PI * 1.6)) * (1 + 0.06 * (rng() - 0.5));
    for (let i = 0; i <= steps; i++) {
      const t = current - (steps - i) * stepMs;
      const replicas = t >= scaledAt ? 4 : 3;
      const rps = loadAt(i);
      const utilisation = rps / (replicas * SEED.rpsPerReplica);
      points.push({ origin, metric: "rps" as const, t, value: rps });
      points.push({ origin, metric: "p95_ms" as const, t, value: 40 + 160 * utilisation ** 3 });
      points.push({ origin, metric: "error_rate" as const, t, value: 0 });
      await series.writeCapacity(
        origin,
        { at: new Date(t).toISOString(), replicas, capacityRps: replicas * SEED.rpsPerReplica },
        t,
        now,
      );
      // What a forecast made a lead earlier said for this time.
      const forecastFor = (actual: number) => {
        const mean = actual * (1 + 0.12 * (rng() - 0.5));
        return { mean, lower: mean * 0.85, upper: mean * 1.15 };
      };
      for (const metric of ["rps", "p95_ms"] as const) {
        const f = forecastFor(metric === "rps" ? rps : 40 + 160 * utilisation ** 3);
        await history.record(forecastOf(origin, metric, t, [f.mean], [f.lower], [f.upper], now), now);
      }
    }
    await series.write(points, now);
    // The error rates have no model yet: their cards say what they wait for.
    await series.recordWaiting(origin, "error_rate", {
      have: steps + 1,
      need: 400,
      reason: waitingReason(steps + 1, 400),
      at: new Date(now).toISOString(),
    });
    const future = Array.from({ length: SEED.horizonSteps }, (_, i) => loadAt(steps + i + 1));
    await documents.writeForecast(
      forecastOf(
        origin,
        "rps",
        current + stepMs,
        future,
        future.map((x) => x * 0.85),
        future.map((x) => x * 1.18),
        now,
      ),
    );
    const latency = future.map((x) => 40 + 160 * (x / (4 * SEED.rpsPerReplica)) ** 3);
    await documents.writeForecast(
      forecastOf(
        origin,
        "p95_ms",
        current + stepMs,
        latency,
        latency.map((x) => x * 0.8),
        latency.map((x) => x * 1.25),
        now,
      ),
    );
  }
  const slos: Slo[] = [
    {
      pool: "eu-west",
      mode: "act",
      targetUtilization: 0.7,
      p95LatencyMs: 250,
      leadSeconds: 60,
      scaleInCooldownSeconds: 600,
    },
    {
      pool: "us-east",
      mode: "advise",
      targetUtilization: 0.75,
      leadSeconds: 60,
      scaleInCooldownSeconds: 300,
    },
  ];
  for (const slo of slos) await documents.writeSlo(slo);
  const decisions: Decision[] = [
    {
      id: "d-1",
      at: new Date(scaledAt - 60_000).toISOString(),
      pool: "eu-west",
      origin: "eu-1",
      mode: "act",
      action: "scale-out",
      reason:
        "eu-west forecast 130 rps at 11:41 UTC exceeds 70 % of 120 rps capacity; scaling eu-1 from 3 to 4 replicas",
      forecastPeak: 130,
      capacity: 120,
      threshold: 0.7,
      from: { replicas: 3 },
      to: { replicas: 4 },
      applied: true,
    },
    {
      id: "d-2",
      at: new Date(scaledAt - 50_000).toISOString(),
      pool: "eu-west",
      origin: "eu-2",
      mode: "act",
      action: "scale-out",
      reason:
        "eu-west forecast 130 rps at 11:41 UTC exceeds 70 % of 120 rps capacity; scaling eu-2 from 3 to 4 replicas",
      from: { replicas: 3 },
      to: { replicas: 4 },
      applied: true,
    },
    {
      id: "d-3",
      at: new Date(current - 30 * stepMs).toISOString(),
      pool: "us-east",
      origin: "us-1",
      mode: "advise",
      action: "scale-out",
      reason:
        "us-east forecast 70 rps at 12:01 UTC exceeds 75 % of 80 rps capacity; scaling us-1 from 4 to 5 replicas",
      from: { replicas: 4 },
      to: { replicas: 5 },
      applied: false,
    },
    ...extra,
  ];
  for (const decision of decisions)
    await redis.xadd(keys.decisions, "*", "decision", JSON.stringify(decision));
  return { series, documents, history };
}

function forecastOf(
  origin: string,
  metric: "rps" | "p95_ms",
  start: number,
  mean: number[],
  lower: number[],
  upper: number[],
  now: number,
): Forecast {
  return {
    origin,
    metric,
    generatedAt: new Date(now).toISOString(),
    start: new Date(start).toISOString(),
    stepSeconds: SEED.stepSeconds,
    mean,
    lower,
    upper,
    model: {
      kind: metric === "rps" ? "lstm" : "holt-winters",
      version: metric === "rps" ? "lstm-7" : "hw-3",
      trainedAt: new Date(now - 3_600_000).toISOString(),
      backend: metric === "rps" ? "wasm" : "cpu",
    },
    accuracy:
      metric === "rps"
        ? {
            mase: 0.41,
            smape: 9.5,
            byModel: {
              lstm: { mase: 0.41, smape: 9.5 },
              "holt-winters": { mase: 0.55, smape: 11.2 },
              "mstl-ets": { mase: 0.52, smape: 10.8 },
              "seasonal-naive": { mase: 1.0, smape: 15.8 },
            },
          }
        : {
            mase: 0.63,
            smape: 12.1,
            byModel: {
              lstm: { mase: 0.71, smape: 13.4 },
              "holt-winters": { mase: 0.63, smape: 12.1 },
              "mstl-ets": { mase: 0.69, smape: 12.9 },
              "seasonal-naive": { mase: 1.0, smape: 17.9 },
            },
          },
  };
}
