/**
 * The predictor service: `tsx predictor/main.ts [--flags]` (or the same settings as environment
 * variables; see docs/predictor.md). Roles: `api` (HTTP API + dashboard), `worker` (BullMQ
 * jobs: scraping, forecasting, training), `scheduler` (installs the repeatable jobs).
 */
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { MODEL_KINDS, QUEUE_NAMES, redisKeys } from "../contracts/index.ts";
import { edgeClient } from "./api/edge-client.ts";
import { predictorHandlers } from "./api/http-app.ts";
import { healthOnlyApi } from "./api/health.ts";
import { createPredictorServer } from "./api/server.ts";
import type { SettingName } from "./config/config.ts";
import { buildDashboardAssets } from "./dashboard/dashboard-assets.ts";
import { loadConfig, redactUrl, SETTINGS, shownDefault } from "./config/config.ts";
import { loadEdgeAnalyticsConfig } from "./config/edge-analytics-config.ts";
import { parseTargetsFile } from "./config/targets-file.ts";
import type { DeclaredConfig } from "./config/operator-file.ts";
import { parseOperatorFile } from "./config/operator-file.ts";
import { operatorWatch } from "./operator-config/operator-watch.ts";
import { RedisEpochWatch } from "../node-shared/redis-epoch.ts";
import { ModelRegistry } from "./forecasting/model-registry.ts";
import { LSTM_QUEUE, workerKinds } from "./jobs/lstm-lane.ts";
import { createJobProcessor } from "./jobs/processor.ts";
import { installSchedules, PREDICTOR_JOB_OPTIONS } from "./jobs/schedules.ts";
import { progressReporter } from "./jobs/training-progress.ts";
import { ModelFiles } from "./model-store/model-files.ts";
import { useBackend } from "./models/lstm/backend.ts";
import { EdgeAnalyticsPuller } from "./sources/edge-analytics-service.ts";
import { fetchText } from "./sources/fetch-text.ts";
import { checkPrometheusQueries } from "./sources/prometheus-service.ts";
import { postSql } from "./sources/sql-api-client.ts";
import { DocumentStore } from "./store/documents.ts";
import { ForecastHistory } from "./store/forecast-history.ts";
import { isOutageError, watchRedisConnection } from "../node-shared/redis-connection.ts";
import { ScrapeStateStore } from "./store/scrape-state.ts";
import { SeriesStore } from "./store/series-store.ts";

const log = (line: string) => {
  process.stderr.write(`${new Date().toISOString()} predictor: ${line}\n`);
};

const options: Record<string, { type: "string" | "boolean" }> = { help: { type: "boolean" } };
for (const s of Object.values(SETTINGS)) options[s.flag] = { type: "string" };
let values: Record<string, string | boolean | undefined>;
try {
  values = parseArgs({ options, allowPositionals: false, strict: true }).values;
} catch (error) {
  process.stderr.write(
    `predictor: ${error instanceof Error ? error.message : String(error)} (--help lists the options)\n`,
  );
  process.exit(2);
}
if (values.help === true) {
  process.stdout.write("Usage: tsx predictor/main.ts [options]\n\n");
  for (const s of Object.values(SETTINGS))
    process.stdout.write(
      `  --${s.flag.padEnd(18)} ${s.env.padEnd(28)} ${s.help} (default: ${shownDefault(s)})\n`,
    );
  process.exit(0);
}
const flags: Partial<Record<SettingName, string>> = {};
for (const [name, setting] of Object.entries(SETTINGS) as [SettingName, (typeof SETTINGS)[SettingName]][]) {
  const value = values[setting.flag];
  if (typeof value === "string") flags[name] = value;
}
const loaded = loadConfig(flags, process.env);
if (!loaded.ok) {
  process.stderr.write(
    `predictor: invalid configuration:\n${loaded.issues.map((i) => `  ${i.path}: ${i.message}`).join("\n")}\n`,
  );
  process.exit(2);
}
const config = loaded.config;

let sources: { targets: ReturnType<typeof parseTargetsFile> } = {
  targets: { ok: true, targets: [], prometheus: null },
};
if (config.targetsFile !== null) {
  let text: string;
  try {
    text = await readFile(config.targetsFile, "utf8");
  } catch (error) {
    process.stderr.write(
      `predictor: cannot read the targets file ${config.targetsFile}: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(2);
  }
  sources = { targets: parseTargetsFile(text) };
  if (!sources.targets.ok) {
    process.stderr.write(
      `predictor: invalid targets file ${config.targetsFile}:\n${sources.targets.issues.map((i) => `  ${i.path || "(root)"}: ${i.message}`).join("\n")}\n`,
    );
    process.exit(2);
  }
}
const { targets, prometheus } = sources.targets.ok ? sources.targets : { targets: [], prometheus: null };
// The edge-analytics source reads its settings (the API token among them) from the environment.
const edgeAnalyticsConfig = loadEdgeAnalyticsConfig(process.env);
if (!edgeAnalyticsConfig.ok) {
  process.stderr.write(
    `predictor: invalid edge-analytics settings:\n${edgeAnalyticsConfig.issues.map((i) => `  ${i.path}: ${i.message}`).join("\n")}\n`,
  );
  process.exit(2);
}
const edgeAnalyticsSource = edgeAnalyticsConfig.source;

// The operator file: SLOs and events that are intent, not cache, put back whenever Redis lacks them.
let declared: { file: string; config: DeclaredConfig } | null = null;
if (config.slosFile !== null) {
  const file = config.slosFile;
  const text = await readFile(file, "utf8").catch((error: unknown) => {
    process.stderr.write(
      `predictor: cannot read the SLOs file ${file} (--slos-file / PREDICTOR_SLOS_FILE): ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(2);
  });
  const parsed = parseOperatorFile(text);
  if (!parsed.ok) {
    process.stderr.write(
      `predictor: invalid SLOs file ${file}:\n${parsed.issues.map((i) => `  ${i.path || "(root)"}: ${i.message}`).join("\n")}\n`,
    );
    process.exit(2);
  }
  declared = { file, config: parsed.value };
}

const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: null, lazyConnect: true });
try {
  await redis.connect();
} catch (error) {
  process.stderr.write(
    `predictor: cannot reach Redis at ${redactUrl(config.redisUrl)}: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
}
const scheduleConfig = {
  stepSeconds: config.stepSeconds,
  retrainIntervalSeconds: config.retrainIntervalSeconds,
  scrape: targets.length > 0,
  prometheus: prometheus !== null,
  edgeAnalytics: edgeAnalyticsSource !== null,
};
// A Redis restarted without persistence has lost the job schedulers: put them back (idempotent).
const connection = watchRedisConnection(redis, {
  log,
  now: Date.now,
  onReconnect: async () => {
    if (config.roles.scheduler) await installSchedules(queue, scheduleConfig);
  },
});
const keys = redisKeys(config.prefix);
const series = new SeriesStore(redis, keys, config.stepSeconds, config.retentionSeconds);
const documents = new DocumentStore(redis, keys);
const history = new ForecastHistory(
  redis,
  config.prefix,
  config.historyLeadSteps,
  config.historyRetentionSeconds,
);
const registry = new ModelRegistry(new ModelFiles(config.modelDir));
const bullPrefix = `${config.prefix}:bull`;
const queue = new Queue(QUEUE_NAMES.predictor, {
  connection: redis,
  prefix: bullPrefix,
  defaultJobOptions: PREDICTOR_JOB_OPTIONS,
});
// Without a listener BullMQ prints each connection error with its stack; the watcher reports outages.
queue.on("error", (error) => {
  if (!isOutageError(error, redis)) log(`queue error: ${error.message}`);
});
const closers: (() => Promise<unknown>)[] = [];

const watch = operatorWatch({
  epoch: new RedisEpochWatch(redis, keys, { now: Date.now, newId: randomUUID }),
  documents,
  declared,
  now: Date.now,
  log,
  // FLUSHALL without a restart loses the job schedulers too, and no reconnection puts them back.
  onLoss: async () => {
    if (config.roles.scheduler) await installSchedules(queue, scheduleConfig);
  },
});
await watch.check();
const reconcile = setInterval(() => {
  void watch.check();
}, config.reconcileIntervalSeconds * 1000);
closers.push(() => {
  clearInterval(reconcile);
  return Promise.resolve();
});
// GET /healthz, for probes: this process can work while Redis answers and its worker runs.
let workerRunning = () => true;
const health = () => ({
  ok: redis.status === "ready" && workerRunning(),
  redis: redis.status,
  roles: Object.entries(config.roles)
    .filter(([, on]) => on)
    .map(([role]) => role),
});

// The LSTM lane (--lstm-metrics, the lstm role) has a queue of its own, so that a long LSTM
// training in another process never holds up the scrapes and forecasts of this one.
const lstmQueue =
  config.lstmMetrics.length > 0 || config.roles.lstm
    ? new Queue(LSTM_QUEUE, {
        connection: redis,
        prefix: bullPrefix,
        defaultJobOptions: PREDICTOR_JOB_OPTIONS,
      })
    : null;
lstmQueue?.on("error", (error) => {
  if (!isOutageError(error, redis)) log(`LSTM queue error: ${error.message}`);
});
const lstmLane =
  lstmQueue && config.lstmMetrics.length > 0 ? { queue: lstmQueue, metrics: config.lstmMetrics } : undefined;
/** What the job processors of this process (the worker's, the lstm role's) work with. */
const jobDeps = {
  queue,
  series,
  documents,
  history,
  registry,
  targets,
  prometheus,
  edgeAnalytics: edgeAnalyticsSource
    ? new EdgeAnalyticsPuller(edgeAnalyticsSource, { postSql, series, documents, now: Date.now, log })
    : null,
  fetchText,
  state: new ScrapeStateStore(redis, config.prefix),
  now: Date.now,
  rng: () => Math.random,
  horizon: config.horizonSteps,
  retrainIntervalMs: config.retrainIntervalSeconds * 1000,
  minTrainPoints: config.minTrainPoints,
  maxScrapeBytes: 16 * 1024 * 1024,
  maxTrainings: config.maxTrainings,
  log,
  progress: (title: string) => progressReporter(process.stderr, title),
  ...(config.lstmEpochs !== null ? { lstm: { epochs: config.lstmEpochs } } : {}),
};
if (config.roles.worker || config.roles.lstm) {
  const backend = await useBackend(config.backend ?? undefined);
  const { loaded: models, unreadable } = await registry.loadAll();
  log(`TensorFlow.js backend: ${backend}; ${models} saved model(s) loaded from ${config.modelDir}`);
  for (const bad of unreadable)
    log(`skipped unreadable model ${bad.file}: ${bad.reason} (the series will be retrained)`);
}
if (config.roles.worker) {
  const kinds = workerKinds(config.models, lstmLane !== undefined, MODEL_KINDS);
  const processor = createJobProcessor({
    ...jobDeps,
    ...(kinds ? { kinds } : {}),
    ...(lstmLane ? { lstmLane } : {}),
  });
  const worker = new Worker(QUEUE_NAMES.predictor, processor, {
    connection: redis,
    prefix: bullPrefix,
    concurrency: config.concurrency,
    lockDuration: 120_000,
  });
  worker.on("failed", (job, error) => {
    log(`job ${job?.name ?? "?"} ${job?.id ?? ""} failed: ${error.message}`);
  });
  // While Redis is away the watcher has said so once; the worker's every retry would repeat it.
  worker.on("error", (error) => {
    if (!isOutageError(error, redis)) log(`worker error: ${error.message}`);
  });
  workerRunning = () => worker.isRunning();
  closers.push(() => worker.close());
  log(
    `worker: ${targets.length} scrape target(s), ${prometheus ? prometheus.series.length : 0} Prometheus series, ${edgeAnalyticsSource ? `edge analytics from ${edgeAnalyticsSource.dataset}` : "no edge analytics"}, concurrency ${config.concurrency}`,
  );
  if (prometheus) {
    // Every query is checked at start, so a typo shows now (in the log, /api/scrape-errors,
    // /metrics and the dashboard), not as a series that never appears.
    const problems = await checkPrometheusQueries(prometheus, {
      fetchText,
      documents,
      now: Date.now,
      log,
      retentionSeconds: config.retentionSeconds,
      stepSeconds: config.stepSeconds,
    });
    log(
      `Prometheus: ${prometheus.series.length - problems.length} of ${prometheus.series.length} queries checked and answering`,
    );
  }
}
if (config.roles.lstm) {
  // One series at a time: an LSTM training uses a whole core for tens of seconds.
  const lstmWorker = new Worker(
    LSTM_QUEUE,
    createJobProcessor({ ...jobDeps, ...(config.models ? { kinds: config.models } : {}) }),
    { connection: redis, prefix: bullPrefix, concurrency: 1, lockDuration: 300_000 },
  );
  lstmWorker.on("failed", (job, error) => {
    log(`LSTM job ${job?.name ?? "?"} ${job?.id ?? ""} failed: ${error.message}`);
  });
  lstmWorker.on("error", (error) => {
    if (!isOutageError(error, redis)) log(`LSTM worker error: ${error.message}`);
  });
  closers.push(() => lstmWorker.close());
  log(`lstm: training ${(config.models ?? MODEL_KINDS).join(", ")} for the series queued on ${LSTM_QUEUE}`);
}
if (config.roles.scheduler) {
  const installed = await installSchedules(queue, scheduleConfig);
  log(
    `schedules: ${installed.join(", ")} (step ${config.stepSeconds} s, retraining every ${config.retrainIntervalSeconds} s)`,
  );
}
if (config.roles.api) {
  const maxBodyBytes = 64 * 1024;
  const assets = await buildDashboardAssets();
  const edge = config.edge
    ? edgeClient({ url: config.edge.url, token: config.edge.token, now: Date.now })
    : null;
  const handlers = predictorHandlers(
    {
      series,
      documents,
      adminToken: config.adminToken,
      now: Date.now,
      maxBodyBytes,
      history,
      edge,
      horizonSteps: config.horizonSteps,
      declared,
      health,
    },
    assets,
  );
  const server = createPredictorServer({
    ...handlers,
    maxBodyBytes,
    onError: (error) => {
      log(`HTTP error: ${String(error)}`);
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => {
      resolve();
    });
  });
  const address = server.address();
  const base = `http://${config.host}:${typeof address === "object" && address ? address.port : config.port}`;
  log(
    `API on ${base}/api/ (writes ${config.adminToken ? "need the admin token" : "disabled: no admin token"}); dashboard on ${base}/ (edge ${config.edge ? config.edge.url : "not configured"})`,
  );
  closers.push(() => new Promise((resolve) => server.close(resolve)));
} else if (config.healthPort !== null) {
  const server = createPredictorServer({ api: healthOnlyApi(health), maxBodyBytes: 1024 });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.healthPort ?? 0, config.host, () => {
      resolve();
    });
  }).catch((error: unknown) => {
    log(
      `cannot serve /healthz on ${config.host}:${config.healthPort} (--health-port / PREDICTOR_HEALTH_PORT): ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exit(1);
  });
  const address = server.address();
  log(
    `health on http://${config.host}:${typeof address === "object" && address ? address.port : config.healthPort}/healthz`,
  );
  closers.push(() => new Promise((resolve) => server.close(resolve)));
}

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping`);
  await Promise.allSettled(closers.map((close) => close()));
  await queue.close();
  await lstmQueue?.close();
  connection.stop();
  redis.disconnect();
  process.exit(0);
};
process.on("SIGINT", () => {
  void stop("SIGINT");
});
process.on("SIGTERM", () => {
  void stop("SIGTERM");
});
