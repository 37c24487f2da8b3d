// Training: how long one series takes per model kind, and how training jobs spread over one and
// two worker processes (BullMQ hands each idle worker the next job).
import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Redis } from "ioredis";
import type { ModelKind } from "../../../contracts/index.ts";
import { MODEL_KINDS, seededRng } from "../../../contracts/index.ts";
import { ModelRegistry } from "../../../predictor/forecasting/model-registry.ts";
import { trainSeries } from "../../../predictor/forecasting/train-service.ts";
import { ModelFiles } from "../../../predictor/model-store/model-files.ts";
import type { SavedSeriesModel } from "../../../predictor/model-store/saved-model.ts";
import { benchSeriesStore, originId, originSeries } from "./bench-world.ts";
import { predictorQueue } from "./predictor-worker.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../../..");

export type KindTimes = {
  days: number;
  points: number;
  wallSeconds: number;
  perKind: Partial<Record<ModelKind, number>>;
  served: string;
};
export type SpreadResult = {
  series: number;
  days: number;
  lstmEpochs: number;
  seconds: Record<number, number>;
  cpuSeconds: Record<number, number[]>;
};

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); NaN elsewhere. */
async function cpuSecondsOf(pid: number | undefined): Promise<number> {
  try {
    const stat = await readFile(`/proc/${String(pid)}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 of the line, in clock ticks (100 a second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** Trains every model kind, with the predictor's default settings, on one series of `days`. */
export async function measureKindTimes(redis: Redis, days: number): Promise<KindTimes> {
  const prefix = "kinds";
  const store = benchSeriesStore(redis, prefix, days + 1);
  const now = Date.now();
  await store.write(
    originSeries("k000", 3, days, now).filter((p) => p.metric === "rps"),
    now,
  );
  const dir = await mkdtemp(path.join(tmpdir(), "headroom-bench-kinds-"));
  try {
    const files = new ModelFiles(dir);
    const t0 = performance.now();
    const outcome = await trainSeries("k000", "rps", {
      series: store,
      registry: new ModelRegistry(files),
      now: () => now,
      rng: () => seededRng(2),
      horizon: 15,
      minPoints: 120,
    });
    const wallSeconds = (performance.now() - t0) / 1000;
    const saved = JSON.parse(await readFile(files.fileOf("k000", "rps"), "utf8")) as SavedSeriesModel;
    return {
      days,
      points: saved.historySteps,
      wallSeconds,
      perKind: saved.trainSeconds,
      served: outcome.status === "trained" ? outcome.kind : outcome.reason,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Starts `n` worker processes and resolves once each is ready. */
async function startWorkers(n: number, env: Record<string, string>): Promise<ChildProcess[]> {
  return Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<ChildProcess>((resolve, reject) => {
          const child = spawn(process.execPath, ["--import", "tsx", path.join(here, "predictor-worker.ts")], {
            cwd: root,
            env: { ...process.env, ...env },
            stdio: ["ignore", "pipe", "inherit"],
          });
          child.once("error", reject);
          child.once("exit", (code) => {
            reject(new Error(`a training worker exited with ${String(code)} before it was ready`));
          });
          child.stdout.on("data", (chunk: Buffer) => {
            if (chunk.toString().includes("ready")) resolve(child);
          });
        }),
    ),
  );
}

/** Trains `count` series of `days` (every model kind, the LSTM for `lstmEpochs` epochs at most)
 * through 1 and then 2 worker processes. */
export async function measureSpread(
  redis: Redis,
  redisUrl: string,
  count: number,
  days: number,
  lstmEpochs: number,
  log: (m: string) => void,
): Promise<SpreadResult> {
  const seconds: Record<number, number> = {};
  const cpuSeconds: Record<number, number[]> = {};
  for (const processes of [1, 2]) {
    const prefix = `spread${processes}`;
    const store = benchSeriesStore(redis, prefix, days + 1);
    const now = Date.now();
    const ids = Array.from({ length: count }, (_, i) => originId(i));
    for (const [i, origin] of ids.entries())
      await store.write(
        originSeries(origin, i, days, now).filter((p) => p.metric === "rps"),
        now,
      );
    const dir = await mkdtemp(path.join(tmpdir(), "headroom-bench-spread-"));
    const workers = await startWorkers(processes, {
      BENCH_REDIS_URL: redisUrl,
      BENCH_PREFIX: prefix,
      BENCH_MODEL_DIR: dir,
      BENCH_KINDS: MODEL_KINDS.join(","),
      BENCH_LSTM_EPOCHS: String(lstmEpochs),
      BENCH_RETENTION_DAYS: String(days + 1),
    });
    const queue = predictorQueue(redis, prefix);
    try {
      const cpuBefore = await Promise.all(workers.map((w) => cpuSecondsOf(w.pid)));
      const started = performance.now();
      await queue.addBulk(
        ids.map((origin) => ({
          name: "train",
          data: { origin, metric: "rps" },
          opts: { jobId: `train-${origin}` },
        })),
      );
      // Bounded polling of jobs that other processes run.
      for (;;) {
        const counts = await queue.getJobCounts("completed", "failed");
        if ((counts.failed ?? 0) > 0) throw new Error(`${counts.failed ?? 0} training jobs failed`);
        if ((counts.completed ?? 0) >= count) break;
        if (performance.now() - started > 600_000)
          throw new Error("training did not finish within 10 minutes");
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      seconds[processes] = (performance.now() - started) / 1000;
      const cpuAfter = await Promise.all(workers.map((w) => cpuSecondsOf(w.pid)));
      const perWorker = cpuAfter.map((after, i) => after - (cpuBefore[i] ?? Number.NaN));
      cpuSeconds[processes] = perWorker;
      log(`training: CPU seconds per worker process: ${perWorker.map((c) => c.toFixed(1)).join(", ")}`);
      log(
        `training: ${count} series through ${processes} worker process(es) in ${(seconds[processes] ?? 0).toFixed(1)} s`,
      );
    } finally {
      await Promise.all(
        workers.map(
          (worker) =>
            new Promise((resolve) => {
              worker.once("exit", resolve);
              worker.kill("SIGTERM");
            }),
        ),
      );
      await queue.close();
      await rm(dir, { recursive: true, force: true });
    }
  }
  return { series: count, days, lstmEpochs, seconds, cpuSeconds };
}
