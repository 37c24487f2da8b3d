// The scaler service's composition root: `tsx scaler/main.ts [--config FILE]`. Reads the
// configuration (SCALER_CONFIG or --config), validates it with every problem listed, resolves
// credentials, then runs the BullMQ worker until SIGINT/SIGTERM.
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { DEFAULT_REDIS_PREFIX, QUEUE_NAMES, ValidationError, redisKeys } from "../contracts/index.ts";
import { loadScalerConfig } from "./config/load-config.ts";
import { watchRedisConnection } from "./inputs/redis-connection.ts";
import { scalerKeys } from "./inputs/scaler-keys.ts";
import { startScalerService } from "./jobs/scaler-service.ts";
import { stderrLog } from "./log.ts";
import { DEFAULT_TUNING } from "./policy/types.ts";
import { createProviders } from "./providers/create-providers.ts";
import { createWriter } from "./writers/create-writer.ts";

const USAGE = `usage: tsx scaler/main.ts [--config FILE]

  --config FILE   the configuration (YAML or JSON); scaler/scaler.example.yaml shows every field

Environment:
  SCALER_CONFIG   the configuration file, when --config is not given
  REDIS_URL       the Redis shared with the predictor (default redis://127.0.0.1:6379)
  REDIS_PREFIX    prefix of every key, as the predictor's (default ${DEFAULT_REDIS_PREFIX})
  SCALER_QUEUE    BullMQ queue shared by the deployment's scaler processes (default ${QUEUE_NAMES.scaler})
  and the secrets the file names in its tokenEnv / secretEnv fields.`;

/** The command line: the configuration file, or help. Exits 2 on an unknown option. */
function parseCommandLine(): { config?: string } {
  try {
    const { values } = parseArgs({ options: { config: { type: "string" }, help: { type: "boolean", short: "h", default: false } }, strict: true, allowPositionals: false });
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    return values.config === undefined ? {} : { config: values.config };
  } catch (error) {
    process.stderr.write(`scaler: ${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    process.exit(2);
  }
}

async function main(): Promise<void> {
  const values = parseCommandLine();
  const env = process.env;
  const file = values.config ?? env.SCALER_CONFIG;
  if (!file) throw new ValidationError("scaler start-up", [{ path: "--config", message: "name the configuration file with --config FILE or SCALER_CONFIG (see the README's scaler section)" }]);
  const config = await loadScalerConfig(file, env);
  const prefix = env.REDIS_PREFIX ?? DEFAULT_REDIS_PREFIX;
  const redis = new Redis(env.REDIS_URL ?? "redis://127.0.0.1:6379", { maxRetriesPerRequest: null });
  await redis.ping();
  const now = () => Date.now();
  const writer = createWriter(config, env);
  const providers = await createProviders(config, env, now);
  const service = await startScalerService(
    redis,
    { name: env.SCALER_QUEUE ?? QUEUE_NAMES.scaler, attempts: config.jobs.attempts, backoffMs: config.jobs.backoffMs, concurrency: config.jobs.concurrency, intervalSeconds: config.intervalSeconds, ...(config.jobs.lockSeconds !== undefined ? { lockMs: config.jobs.lockSeconds * 1000 } : {}) },
    {
      redis,
      keys: redisKeys(prefix),
      scalerKeys: scalerKeys(prefix),
      writer,
      providers,
      scaling: config.origins,
      tuning: { ...DEFAULT_TUNING, ...config.policy, overlayTtlSeconds: config.overlayTtlSeconds, evaluationSeconds: config.intervalSeconds },
      staleAfterMs: config.staleAfterSeconds * 1000,
      lockTtlMs: 60_000,
      now,
      newToken: () => randomUUID(),
      log: stderrLog,
    },
  );
  // A Redis restarted without persistence has lost the evaluation schedule: put it back.
  const connection = watchRedisConnection(redis, { log: (line) => { stderrLog("warn", line); }, now, onReconnect: () => service.installSchedule() });
  stderrLog("info", `evaluating every ${config.intervalSeconds} s; weights via ${writer.target}; ${Object.keys(config.origins).length} origin(s) configured for scaling`);
  const stop = () => {
    stderrLog("info", "stopping");
    connection.stop();
    void service.close().then(() => redis.quit()).then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

// A bad configuration exits 2, as a bad option does; anything else (Redis unreachable, say) 1.
main().catch((error: unknown) => {
  const text = error instanceof ValidationError ? error.listing() : error instanceof Error ? error.message : String(error);
  process.stderr.write(`scaler: ${text}\n`);
  process.exit(error instanceof ValidationError ? 2 : 1);
});
