// Forecasts per second of one predictor worker (BullMQ concurrency 4, as by default): `forecast`
// jobs for many series whose models are trained, one model kind at a time.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Redis } from "ioredis";
import type { ModelKind } from "../../../contracts/index.ts";
import { seededRng } from "../../../contracts/index.ts";
import { ModelRegistry } from "../../../predictor/forecasting/model-registry.ts";
import { trainSeries } from "../../../predictor/forecasting/train-service.ts";
import { ModelFiles } from "../../../predictor/model-store/model-files.ts";
import { benchSeriesStore, originId, originSeries } from "./bench-world.ts";
import { startPredictorWorker } from "./predictor-worker.ts";

export type ForecastResult = {
  kind: ModelKind;
  series: number;
  perSecond: number;
  cpuMsPerForecast: number;
  trainSeconds: number;
};

/** Trains one model of `kind` on the first series and serves a copy of it for every series (the
 * cost of a forecast does not depend on which series it is), then times a round of forecasts. */
export async function measureForecasts(
  redis: Redis,
  kind: ModelKind,
  count: number,
  log: (m: string) => void,
): Promise<ForecastResult> {
  const prefix = `fc-${kind}`;
  const store = benchSeriesStore(redis, prefix, 1);
  const now = Date.now();
  const ids = Array.from({ length: count }, (_, i) => originId(i));
  for (const [i, origin] of ids.entries())
    await store.write(
      originSeries(origin, i, 1, now).filter((p) => p.metric === "rps"),
      now,
    );
  const dir = await mkdtemp(path.join(tmpdir(), "headroom-bench-models-"));
  try {
    const files = new ModelFiles(dir);
    const t0 = performance.now();
    // Training is not what is measured here: a short LSTM training serves forecasts at full cost.
    await trainSeries(ids[0] ?? "o000", "rps", {
      series: store,
      registry: new ModelRegistry(files),
      now: () => now,
      rng: () => seededRng(1),
      horizon: 15,
      minPoints: 120,
      kinds: [kind],
      lstm: { epochs: 3 },
    });
    const trainSeconds = (performance.now() - t0) / 1000;
    const saved = await readFile(files.fileOf(ids[0] ?? "o000", "rps"), "utf8");
    for (const origin of ids.slice(1)) {
      await mkdir(path.dirname(files.fileOf(origin, "rps")), { recursive: true });
      await writeFile(
        files.fileOf(origin, "rps"),
        saved.replace(`"origin":"${ids[0] ?? ""}"`, `"origin":"${origin}"`),
      );
    }
    log(`forecasts: ${kind} model trained in ${trainSeconds.toFixed(1)} s and copied to ${count} series`);
    const running = startPredictorWorker({
      redis,
      prefix,
      modelDir: dir,
      kinds: [kind],
      concurrency: 4,
      retentionDays: 1,
    });
    try {
      const round = async (name: string) => {
        let done = 0;
        const problems: string[] = [];
        const finished = new Promise<void>((resolve, reject) => {
          const settle = (problem?: string) => {
            if (problem !== undefined) problems.push(problem);
            if (++done < count) return;
            if (problems.length > 0)
              reject(new Error(`${problems.length} forecasts failed, e.g. ${problems[0] ?? ""}`));
            else resolve();
          };
          running.worker.on("completed", (_job, value: unknown) => {
            settle(
              (value as { status?: string } | null)?.status === "forecast"
                ? undefined
                : JSON.stringify(value),
            );
          });
          running.worker.on("failed", (_job, error) => {
            settle(error.message);
          });
        });
        const cpu0 = process.cpuUsage();
        const started = performance.now();
        await running.queue.addBulk(
          ids.map((origin) => ({
            name: "forecast",
            data: { origin, metric: "rps" },
            opts: { jobId: `${name}-${origin}` },
          })),
        );
        await finished;
        running.worker.removeAllListeners("completed");
        running.worker.removeAllListeners("failed");
        const cpu = process.cpuUsage(cpu0);
        return { seconds: (performance.now() - started) / 1000, cpuMs: (cpu.user + cpu.system) / 1000 };
      };
      await round("warm"); // loads every model once, as a worker does after its start
      const measured = await round("measured");
      return {
        kind,
        series: count,
        perSecond: count / measured.seconds,
        cpuMsPerForecast: measured.cpuMs / count,
        trainSeconds,
      };
    } finally {
      await running.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
