import { loadavg } from "node:os";
import { MODEL_KINDS } from "../../contracts/index.ts";
import type { Benchmark } from "./benchmark.ts";
import { headlineComment } from "./report.ts";
import { keysMemory, startBenchRedis } from "./scale/bench-world.ts";
import { measureForecasts } from "./scale/forecast-throughput.ts";
import { measureRedisMemory } from "./scale/redis-memory.ts";
import { measureEvaluation } from "./scale/scaler-evaluation.ts";
import { measureKindTimes, measureSpread } from "./scale/training-spread.ts";
import { fillTemplate } from "./template.ts";

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
  // The model whose forecasts cost the most sets how many workers a fleet served by it needs.
  const slowest = [...forecasts].sort((a, b) => a.perSecond - b.perSecond)[0];
  const lstmTrain = kinds.perKind.lstm ?? Number.NaN;
  return [
    fillTemplate("scale-setup", { load: loadavg()[0]?.toFixed(1) ?? "?" }),
    "",
    "### Redis memory",
    "",
    fillTemplate("scale-memory-method", {
      origins: memory.origins,
      historyOrigins: Math.min(10, memory.origins),
    }),
    "",
    "| what | per origin | grows with |",
    "| --- | ---: | --- |",
    `| four series (rps, p95_ms, error_rate, cpu), one point a minute | ${kb(day.series)} a day | retention (default 14 days) |`,
    `| capacity samples (\`origin_replicas\`), one a minute | ${kb(day.capacity)} a day | retention |`,
    `| forecast history of the dashboard (four series) | ${kb(day.history)} a day | its own retention (default 2 days) |`,
    `| four forecast documents and the scraper's last sample | ${kb(fixed)} | nothing |`,
    "",
    fillTemplate("scale-memory", {
      oneDay: n1(memory.bytesPerPoint.oneDay),
      fourteenDays: n1(memory.bytesPerPoint.fourteenDays),
      origins: n0(ORIGINS),
      at14: mb(at(14)),
      at7: mb(at(7)),
      at30: mb(at(30)),
      predictorQueue: kb(queues.predictor),
      scalerQueue: kb(queues.scaler),
    }),
    "",
    "### Scaler evaluation",
    "",
    fillTemplate("scale-evaluation", {
      origins: evaluation.origins,
      pools: evaluation.pools,
      tableSize: kb(evaluation.tableBytes),
    }),
    "",
    "| | time |",
    "| --- | ---: |",
    `| first evaluation (${evaluation.scaleJobs} scale-outs decided and enqueued) | ${n0(evaluation.firstMs)} ms |`,
    `| later evaluations, median / p95 | ${n0(evaluation.medianMs)} / ${n0(evaluation.p95Ms)} ms |`,
    `| of which reading the origins' forecasts, observations and capacity from Redis (median) | ${n0(evaluation.redisReadMs)} ms |`,
    `| CPU of the scaler process per evaluation (median) | ${n0(evaluation.cpuMs)} ms |`,
    "",
    fillTemplate("scale-evaluation-share", {
      share: n1((evaluation.medianMs / 30_000) * 100),
      origins: ORIGINS,
    }),
    headlineComment({
      figure: `one evaluation of ${evaluation.origins} origins in ${n0(evaluation.medianMs)} ms (median), ${n0(evaluation.p95Ms)} ms p95`,
      target: "within its 30 s interval",
      met: evaluation.p95Ms < 30_000,
    }),
    "",
    "### Forecasts per second per predictor worker",
    "",
    fillTemplate("scale-forecasts"),
    "",
    "| serving model | forecasts/s | CPU per forecast | workers for 500 origins at a 60 s step |",
    "| --- | ---: | ---: | ---: |",
    ...forecasts.map(
      (f) => `| ${f.kind} | ${n0(f.perSecond)} | ${n1(f.cpuMsPerForecast)} ms | ${workersFor(f.perSecond)} |`,
    ),
    "",
    fillTemplate("scale-forecasts-need", {
      origins: ORIGINS,
      seriesPerOrigin,
      need: n1(need),
      need10: n1(need * 6),
      slowest: slowest?.kind ?? "?",
      slowestWorkers: slowest ? workersFor(slowest.perSecond) : "?",
    }),
    "",
    "### Training",
    "",
    fillTemplate("scale-training", {
      history: days(kinds.days),
      points: n0(kinds.points),
      perKind: MODEL_KINDS.map((k) => `${k} ${n1(kinds.perKind[k] ?? Number.NaN)} s`).join(", "),
      wall: n1(kinds.wallSeconds),
      served: kinds.served,
    }),
    "",
    fillTemplate("scale-spreading", {
      series: spread.series,
      history: days(spread.days),
      epochs: spread.lstmEpochs,
    }),
    "",
    "| worker processes | wall time | series per minute | CPU used by the workers | CPU per series |",
    "| ---: | ---: | ---: | ---: | ---: |",
    `| 1 | ${n1(one)} s | ${n1((spread.series / one) * 60)} | ${n1(cpuOne)} s (${n0((cpuOne / one) * 100)} % of a core) | ${n1(cpuOne / spread.series)} s |`,
    `| 2 | ${n1(two)} s | ${n1((spread.series / two) * 60)} | ${n1(cpuTwo)} s (${split}; ${n0((cpuTwo / two) * 100)} % of a core) | ${n1(cpuTwo / spread.series)} s |`,
    "",
    fillTemplate("scale-spread-result", {
      speedup: n1(one / two),
      cpuOne: n1(cpuOne / spread.series),
      cpuTwo: n1(cpuTwo / spread.series),
      split,
      load: loadavg()[0]?.toFixed(1) ?? "?",
      shareTwo: n0((cpuTwo / two) * 100),
      shareOne: n0((cpuOne / one) * 100),
      lstmTrain: n1(lstmTrain),
      history: days(kinds.days),
      origins: ORIGINS,
      seriesPerOrigin,
      coreHours: n1((ORIGINS * seriesPerOrigin * lstmTrain) / 3600),
    }),
  ].join("\n");
}
