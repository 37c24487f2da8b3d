import { DEFAULT_REDIS_PREFIX, QUEUE_NAMES } from "../../contracts/index.ts";

/** One setting of the scaler process: its flag (when it has one), its environment variable, its
 * default as people read it, and what it means. `--help` and docs/configuration.md read these. */
export type ScalerSetting = { flag?: string; meta?: string; env: string; default: string; help: string };

/** Every setting of `tsx scaler/main.ts`; a flag wins over its variable. The file's own fields are
 * in scaler/config/config-fields.ts. */
export const SCALER_SETTINGS: readonly ScalerSetting[] = [
  {
    flag: "config",
    meta: "FILE",
    env: "SCALER_CONFIG",
    default: "none (required)",
    help: "the configuration (YAML or JSON); scaler/scaler.example.yaml shows every field",
  },
  {
    flag: "metrics-port",
    meta: "N",
    env: "SCALER_METRICS_PORT",
    default: "off",
    help: "serve GET /metrics (Prometheus) and GET /healthz on this port",
  },
  {
    flag: "metrics-host",
    meta: "ADDR",
    env: "SCALER_METRICS_HOST",
    default: "127.0.0.1",
    help: "the address they listen on (0.0.0.0 for a Prometheus or a probe from elsewhere)",
  },
  { env: "REDIS_URL", default: "redis://127.0.0.1:6379", help: "the Redis shared with the predictor" },
  { env: "REDIS_PREFIX", default: DEFAULT_REDIS_PREFIX, help: "prefix of every key, as the predictor's" },
  {
    env: "SCALER_QUEUE",
    default: QUEUE_NAMES.scaler,
    help: "BullMQ queue shared by the deployment's scaler processes",
  },
];

/** The `--help` text: the flags, then the variables, then where secrets come from. */
export function scalerUsage(): string {
  const flags = SCALER_SETTINGS.filter((s) => s.flag !== undefined);
  const synopsis = flags.map((s) => `[--${s.flag ?? ""} ${s.meta ?? ""}]`).join(" ");
  const flagLines = flags.map(
    (s) => `  ${`--${s.flag ?? ""} ${s.meta ?? ""}`.padEnd(21)} ${s.help} (default: ${s.default})`,
  );
  const envLines = SCALER_SETTINGS.map((s) =>
    s.flag === undefined
      ? `  ${s.env.padEnd(15)} ${s.help} (default ${s.default})`
      : `  ${s.env.padEnd(15)} as --${s.flag}`,
  );
  return [
    `usage: tsx scaler/main.ts ${synopsis}`,
    "",
    ...flagLines,
    "",
    "Environment:",
    ...envLines,
    "  and the secrets the file names in its tokenEnv / secretEnv fields.",
  ].join("\n");
}
