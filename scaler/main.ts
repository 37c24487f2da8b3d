// The scaler service's composition root: `tsx scaler/main.ts [--config FILE]`. Reads the
// configuration (SCALER_CONFIG or --config), validates it with every problem listed, resolves
// credentials, then runs the BullMQ worker until SIGINT/SIGTERM.
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { DEFAULT_REDIS_PREFIX, QUEUE_NAMES, ValidationError, redisKeys } from "../contracts/index.ts";
import { scalerUsage, SCALER_SETTINGS } from "./cli/scaler-settings.ts";
import { loadScalerConfig } from "./config/load-config.ts";
import { watchRedisConnection } from "../node-shared/redis-connection.ts";
import { RedisEpochWatch } from "../node-shared/redis-epoch.ts";
import { scheduleKeeper } from "./jobs/schedule-keeper.ts";
import { scalerKeys } from "./inputs/scaler-keys.ts";
import { startScalerService } from "./jobs/scaler-service.ts";
import { startStatusServer } from "./http/status-server.ts";
import { stderrLog } from "./log.ts";
import { ScalerMetrics } from "./metrics/scaler-metrics.ts";
import { DEFAULT_TUNING } from "./policy/types.ts";
import { createProviders } from "./providers/create-providers.ts";
import { createWriter } from "./writers/create-writer.ts";

type CommandLine = { config?: string; metricsPort?: string; metricsHost?: string };

/** The command line: the configuration file, the status server, or help. Exits 2 on an unknown option. */
function parseCommandLine(): CommandLine {
  try {
    const flags = Object.fromEntries(
      SCALER_SETTINGS.flatMap((s) => (s.flag ? [[s.flag, { type: "string" as const }]] : [])),
    ) as Record<string, { type: "string" }>;
    const values: Record<string, string | boolean | undefined> = parseArgs({
      options: { ...flags, help: { type: "boolean", short: "h", default: false } },
      strict: true,
      allowPositionals: false,
    }).values;
    if (values.help === true) {
      process.stdout.write(`${scalerUsage()}\n`);
      process.exit(0);
    }
    const text = (flag: string) => {
      const value = values[flag];
      return typeof value === "string" ? value : undefined;
    };
    const [config, metricsPort, metricsHost] = [text("config"), text("metrics-port"), text("metrics-host")];
    return {
      ...(config !== undefined ? { config } : {}),
      ...(metricsPort !== undefined ? { metricsPort } : {}),
      ...(metricsHost !== undefined ? { metricsHost } : {}),
    };
  } catch (error) {
    process.stderr.write(
      `scaler: ${error instanceof Error ? error.message : String(error)}\n${scalerUsage()}\n`,
    );
    process.exit(2);
  }
}

async function main(): Promise<void> {
  const values = parseCommandLine();
  const env = process.env;
  const file = values.config ?? env.SCALER_CONFIG;
  if (!file)
    throw new ValidationError("scaler start-up", [
      {
        path: "--config",
        message: "name the configuration file with --config FILE or SCALER_CONFIG (see docs/scaler.md)",
      },
    ]);
  const status = statusServerOptions(values, env);
  const config = await loadScalerConfig(file, env);
  const prefix = env.REDIS_PREFIX ?? DEFAULT_REDIS_PREFIX;
  const redis = new Redis(env.REDIS_URL ?? "redis://127.0.0.1:6379", { maxRetriesPerRequest: null });
  await redis.ping();
  const now = () => Date.now();
  const metrics = new ScalerMetrics({ processMetrics: true });
  const writer = createWriter(config, env);
  const providers = await createProviders(config, env, now);
  // The status server comes up first, so a port already taken stops the scaler before it works.
  let worker: { isRunning(): boolean } | null = null;
  if (status) {
    const server = await startStatusServer({
      ...status,
      metrics,
      health: () => {
        const state = worker?.isRunning() === true ? "running" : "stopped";
        return {
          ok: redis.status === "ready" && state === "running",
          redis: redis.status,
          worker: state,
          lastEvaluation: metrics.lastEvaluationAt(),
        };
      },
    }).catch((error: unknown) => {
      throw new Error(
        `cannot serve metrics on ${status.host}:${status.port} (--metrics-port / SCALER_METRICS_PORT): ${error instanceof Error ? error.message : String(error)}`,
      );
    });
    const address = server.address();
    stderrLog(
      "info",
      `metrics on http://${status.host.includes(":") ? `[${status.host}]` : status.host}:${typeof address === "object" && address ? address.port : status.port}/metrics, health on /healthz`,
    );
  }
  const service = await startScalerService(
    redis,
    {
      name: env.SCALER_QUEUE ?? QUEUE_NAMES.scaler,
      attempts: config.jobs.attempts,
      backoffMs: config.jobs.backoffMs,
      concurrency: config.jobs.concurrency,
      intervalSeconds: config.intervalSeconds,
      ...(config.jobs.lockSeconds !== undefined ? { lockMs: config.jobs.lockSeconds * 1000 } : {}),
    },
    {
      redis,
      keys: redisKeys(prefix),
      scalerKeys: scalerKeys(prefix),
      writer,
      providers,
      scaling: config.origins,
      tuning: {
        ...DEFAULT_TUNING,
        ...config.policy,
        overlayTtlSeconds: config.overlayTtlSeconds,
        evaluationSeconds: config.intervalSeconds,
      },
      staleAfterMs: config.staleAfterSeconds * 1000,
      lockTtlMs: 60_000,
      now,
      newToken: () => randomUUID(),
      log: stderrLog,
      ...(status ? { metrics } : {}),
    },
  );
  worker = service.worker;
  // A Redis restarted without persistence has lost the evaluation schedule: put it back.
  const connection = watchRedisConnection(redis, {
    log: (line) => {
      stderrLog("warn", line);
    },
    now,
    onReconnect: () => service.installSchedule(),
  });
  // One lost without a restart (FLUSHALL, an empty replica) is noticed through the Redis epoch.
  const keeper = scheduleKeeper(
    new RedisEpochWatch(redis, redisKeys(prefix), { now, newId: () => randomUUID() }),
    () => service.installSchedule(),
    stderrLog,
  );
  await keeper.check();
  const keeping = setInterval(() => {
    void keeper.check();
  }, config.intervalSeconds * 1000);
  stderrLog(
    "info",
    `evaluating every ${config.intervalSeconds} s; weights via ${writer.target}; ${Object.keys(config.origins).length} origin(s) configured for scaling`,
  );
  const stop = () => {
    stderrLog("info", "stopping");
    clearInterval(keeping);
    connection.stop();
    void service
      .close()
      .then(() => redis.quit())
      .then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

/** Where the status server listens, if anywhere: --metrics-port / SCALER_METRICS_PORT. */
function statusServerOptions(
  values: CommandLine,
  env: NodeJS.ProcessEnv,
): { host: string; port: number } | null {
  const portText = values.metricsPort ?? env.SCALER_METRICS_PORT;
  const host = values.metricsHost ?? env.SCALER_METRICS_HOST ?? "127.0.0.1";
  if (portText === undefined || portText === "") return null;
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65_535)
    throw new ValidationError("scaler start-up", [
      {
        path: values.metricsPort !== undefined ? "--metrics-port" : "SCALER_METRICS_PORT",
        message: `must be a port number from 0 to 65535, not ${JSON.stringify(portText)}`,
      },
    ]);
  return { host, port };
}

// A bad configuration exits 2, as a bad option does; anything else (Redis unreachable, say) 1.
main().catch((error: unknown) => {
  const text =
    error instanceof ValidationError
      ? error.listing()
      : error instanceof Error
        ? error.message
        : String(error);
  process.stderr.write(`scaler: ${text}\n`);
  process.exit(error instanceof ValidationError ? 2 : 1);
});
