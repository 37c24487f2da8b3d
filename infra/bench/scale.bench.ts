import { loadavg } from "node:os";
import { MODEL_KINDS } from "../../contracts/index.ts";
import type { Benchmark } from "./benchmark.ts";
import { keysMemory, startBenchRedis } from "./scale/bench-world.ts";
import { measureForecasts } from "./scale/forecast-throughput.ts";
import { measureRedisMemory } from "./scale/redis-memory.ts";
import { measureEvaluation } from "./scale/scaler-evaluation.ts";
import { measureKindTimes, measureSpread } from "./scale/training-spread.ts";

const ORIGINS = 500;
const n0 = (x: number) => x.toLocaleString("en-US", { maximumFractionDigits: 0 });
const n1 = (x: number) => x.toLocaleString("en-US", { maximumFractionDigits: 1, minimumFractionDigits: 1 });
const mb = (bytes: number) => `${n1(bytes / 1024 / 1024)} MB`;
const kb = (bytes: number) => `${n1(bytes / 1024)} KB`;

/** The numbers to size a deployment of the predictor and the scaler for 500 origins. */
const bench: Benchmark = {
  name: "scale",
  title: "Scale: the predictor and the scaler with 500 origins",
  async run(context) {
    const { quick } = context;
    const log = (message: string) => {
      context.log(message);
    };
    const world = await startBenchRedis();
    try {
      log("Redis memory per origin-day");
      const memory = await measureRedisMemory(world.redis, quick ? 10 : 50, log);
      log("scaler evaluations");
      const evaluation = await measureEvaluation(world.redis, 50, ORIGINS / 50, quick ? 6 : 21);
      const scalerQueueBytes = await keysMemory(world.redis, "bull:eval-scaler:*");
      const forecasts = [];
      for (const kind of MODEL_KINDS) {
        log(`forecast throughput: ${kind}`);
        forecasts.push(await measureForecasts(world.redis, kind, quick ? 40 : 200, log));
      }
      const predictorQueueBytes = await keysMemory(world.redis, "fc-lstm:bull:*");
      log("training time per model kind");
      const kinds = await measureKindTimes(world.redis, quick ? 1 : 2);
      const spread = await measureSpread(world.redis, world.url, quick ? 3 : 8, 1, 5, log);
      return report({
        memory,
        evaluation,
        forecasts,
        kinds,
        spread,
        queues: { scaler: scalerQueueBytes, predictor: predictorQueueBytes },
      });
    } finally {
      await world.stop();
    }
  },
};
export default bench;

type Results = {
  memory: Awaited<ReturnType<typeof measureRedisMemory>>;
  evaluation: Awaited<ReturnType<typeof measureEvaluation>>;
  forecasts: Awaited<ReturnType<typeof measureForecasts>>[];
  kinds: Awaited<ReturnType<typeof measureKindTimes>>;
  spread: Awaited<ReturnType<typeof measureSpread>>;
  queues: { scaler: number; predictor: number };
};

const days = (n: number) => `${n} day${n === 1 ? "" : "s"}`;

function report({ memory, evaluation, forecasts, kinds, spread, queues }: Results): string {
  const day = memory.perOriginDay;
  const fixed = memory.perOrigin.forecasts + memory.perOrigin.scrapeState;
  const at = (retentionDays: number, historyDays = 2) =>
    ORIGINS *
    ((day.series + day.capacity) * retentionDays +
      day.history * Math.min(historyDays, retentionDays) +
      fixed);
  const seriesPerOrigin = 4;
  const need = (ORIGINS * seriesPerOrigin) / 60;
  const one = spread.seconds[1] ?? Number.NaN;
  const two = spread.seconds[2] ?? Number.NaN;
  const sum = (values: readonly number[] | undefined) => (values ?? [Number.NaN]).reduce((a, b) => a + b, 0);
  const cpuOne = sum(spread.cpuSeconds[1]);
  const cpuTwo = sum(spread.cpuSeconds[2]);
  const split = (spread.cpuSeconds[2] ?? []).map((c) => `${n1(c)} s`).join(" + ");
  const workersFor = (perSecond: number) => Math.max(1, Math.ceil(need / perSecond));
  const lstm = forecasts.find((f) => f.kind === "lstm");
  const lstmTrain = kinds.perKind.lstm ?? Number.NaN;
  return [
    `Everything runs on a Redis of its own (a fresh \`redis-server\`, no persistence), with per-minute synthetic load from the stack's trace generator (daily and weekly cycles, noise, a flash crowd), so the figures count only what the product stores. Measured on a 2-core machine (load average ${loadavg()[0]?.toFixed(1) ?? "?"} at the end, the benchmark's own work included).`,
    "",
    "### Redis memory",
    "",
    `Measured by the change of \`used_memory\` while one day of everything was written for ${memory.origins} origins (the forecast history for ${Math.min(10, memory.origins)}), and by \`MEMORY USAGE\` of single keys.`,
    "",
    "| what | per origin | grows with |",
    "| --- | ---: | --- |",
    `| four series (rps, p95_ms, error_rate, cpu), one point a minute | ${kb(day.series)} a day | retention (default 14 days) |`,
    `| capacity samples (\`origin_replicas\`), one a minute | ${kb(day.capacity)} a day | retention |`,
    `| forecast history of the dashboard (four series) | ${kb(day.history)} a day | its own retention (default 2 days) |`,
    `| four forecast documents and the scraper's last sample | ${kb(fixed)} | nothing |`,
    "",
    `A stored point costs ${n1(memory.bytesPerPoint.oneDay)} bytes in a one-day series and ${n1(memory.bytesPerPoint.fourteenDays)} bytes in a fourteen-day one: each series is a hash of 12-hour chunks of float32 values (the series-store section of this file compares it with the sorted sets of earlier versions and extrapolates to 10,000 origins). Memory is linear in the history: **${n0(ORIGINS)} origins need about ${mb(at(14))}** with the default 14-day retention (${mb(at(7))} with 7 days, ${mb(at(30))} with 30), most of it now the capacity samples, still a sorted set of JSON members. The queues are small beside it: ${kb(queues.predictor)} for the predictor's (it keeps its last 100 finished jobs) and ${kb(queues.scaler)} for the scaler's after the evaluations below (finished jobs are kept a day, to de-duplicate). A Redis that snapshots with RDB may need up to twice its data while it forks.`,
    "",
    "### Scaler evaluation",
    "",
    `${evaluation.origins} origins in ${evaluation.pools} pools, every pool in act mode, a fifth of them forecast to outgrow their capacity. One evaluation is the real \`evaluate\` job: the table (${kb(evaluation.tableBytes)} of JSON) and the overlay from a fake Worker admin API on loopback, SLOs, forecasts, observations and capacity from Redis, the policy, the enqueued jobs and recorded decisions, the state save.`,
    "",
    "| | time |",
    "| --- | ---: |",
    `| first evaluation (${evaluation.scaleJobs} scale-outs decided and enqueued) | ${n0(evaluation.firstMs)} ms |`,
    `| later evaluations, median / p95 | ${n0(evaluation.medianMs)} / ${n0(evaluation.p95Ms)} ms |`,
    `| of which reading the origins' forecasts, observations and capacity from Redis (median) | ${n0(evaluation.redisReadMs)} ms |`,
    `| CPU of the scaler process per evaluation (median) | ${n0(evaluation.cpuMs)} ms |`,
    "",
    `At the default 30 s interval that is ${n1((evaluation.medianMs / 30_000) * 100)} % of one scaler process's time: one scaler process is plenty for ${ORIGINS} origins. More scaler processes add availability, not speed (an evaluation lock lets one evaluate at a time; the \`scale\` and \`apply-weights\` jobs spread over all of them).`,
    "",
    "### Forecasts per second per predictor worker",
    "",
    "One worker process (BullMQ concurrency 4, the default) forecasting 15 steps for series of one day of per-minute history, every series served by a trained model of one kind (trained once, with a short training for the LSTM, and copied: what a forecast costs does not depend on how long its model trained). Each `forecast` job reads the history, runs the model with its adaptive interval, and writes the forecast document and its history point.",
    "",
    "| serving model | forecasts/s | CPU per forecast | workers for 500 origins at a 60 s step |",
    "| --- | ---: | ---: | ---: |",
    ...forecasts.map(
      (f) => `| ${f.kind} | ${n0(f.perSecond)} | ${n1(f.cpuMsPerForecast)} ms | ${workersFor(f.perSecond)} |`,
    ),
    "",
    `${ORIGINS} origins x ${seriesPerOrigin} series forecast once a step need ${n1(need)} forecasts/s at the default 60 s step (${n1(need * 6)} /s at 10 s). The served model is chosen per series by the backtest; with every series served by the LSTM it takes ${lstm ? workersFor(lstm.perSecond) : "?"} worker process(es) (a core each), with the classical models one is plenty.`,
    "",
    "### Training",
    "",
    `One series of ${days(kinds.days)} (${n0(kinds.points)} points) with the predictor's default settings, backtest included: ${MODEL_KINDS.map((k) => `${k} ${n1(kinds.perKind[k] ?? Number.NaN)} s`).join(", ")}; ${n1(kinds.wallSeconds)} s in all, serving ${kinds.served}. The LSTM dominates and grows with the history up to its caps (6,000 training windows, 40 epochs) (the forecast-accuracy section of this file times it on 14 days of per-minute points).`,
    "",
    `Spreading: ${spread.series} series of ${days(spread.days)}, every model kind (the LSTM capped at ${spread.lstmEpochs} epochs to keep the run short: it stays CPU-bound, which is what matters here), through worker processes that each train one series at a time:`,
    "",
    "| worker processes | wall time | series per minute | CPU used by the workers | CPU per series |",
    "| ---: | ---: | ---: | ---: | ---: |",
    `| 1 | ${n1(one)} s | ${n1((spread.series / one) * 60)} | ${n1(cpuOne)} s (${n0((cpuOne / one) * 100)} % of a core) | ${n1(cpuOne / spread.series)} s |`,
    `| 2 | ${n1(two)} s | ${n1((spread.series / two) * 60)} | ${n1(cpuTwo)} s (${split}; ${n0((cpuTwo / two) * 100)} % of a core) | ${n1(cpuTwo / spread.series)} s |`,
    "",
    `Two processes trained ${n1(one / two)}x as fast as one here. The CPU columns say why: the work per series is the same either way (${n1(cpuOne / spread.series)} s and ${n1(cpuTwo / spread.series)} s), and the two processes shared the jobs evenly (${split} of CPU), so the wall time follows only the CPU the workers could get on this 2-core machine (load average ${loadavg()[0]?.toFixed(1) ?? "?"}, the benchmark's own work included): together they got ${n0((cpuTwo / two) * 100)} % of a core where one alone got ${n0((cpuOne / one) * 100)} %. Training is single-threaded (no process used more than one core), so each worker process adds one core's worth of training where cores are free. BullMQ hands the next \`train\` job to whichever worker is idle, so workers started on more machines (\`--roles worker\`, the same Redis, the model directory on shared storage) divide a retraining round by the number of cores (a training job costs Redis a handful of commands and one model-file write). With the LSTM at ${n1(lstmTrain)} s per series for ${days(kinds.days)} of history, a retraining round for ${ORIGINS} origins x ${seriesPerOrigin} series is about ${n1((ORIGINS * seriesPerOrigin * lstmTrain) / 3600)} core-hours; longer histories cost more, up to the LSTM's caps.`,
  ].join("\n");
}
