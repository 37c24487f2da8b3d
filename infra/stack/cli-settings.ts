import { parseArgs } from "node:util";
import type { ValidationIssue } from "../../contracts/index.ts";
import { parseDurationSeconds } from "../../predictor/config/duration.ts";
import type { StackSettingsInput } from "./stack-options.ts";

type Kind = "string" | "number" | "integer" | "duration" | "date" | "list" | "file" | "flag";

/** One command-line setting of `npm start`: its flag, its environment variable, where it goes in
 * the stack's settings, and how its text is read. */
export type CliSetting = {
  flag: string;
  env: string;
  path: string;
  kind: Kind;
  meta?: string;
  default: string;
  help: string;
};

/** Every setting of `npm start` (flags win over environment variables; see docs/local-stack.md). */
export const CLI_SETTINGS: readonly CliSetting[] = [
  {
    flag: "redis",
    env: "REDIS_URL",
    path: "redisUrl",
    kind: "string",
    meta: "URL",
    default: "redis://127.0.0.1:6379",
    help: "Redis for series, forecasts, SLOs, decisions and jobs (started for the session when local, installed and not running)",
  },
  {
    flag: "prefix",
    env: "HEADROOM_PREFIX",
    path: "prefix",
    kind: "string",
    meta: "NAME",
    default: "headroom-local",
    help: "prefix of the stack's Redis keys and queues; its keys from an earlier run are cleared at start",
  },
  {
    flag: "edge-runtime",
    env: "HEADROOM_EDGE_RUNTIME",
    path: "edgeRuntime",
    kind: "string",
    meta: "NAME",
    default: "miniflare",
    help: "miniflare: the Worker in workerd with wrangler.toml's [env.dev]; wrangler-dev: under wrangler dev itself (see docs/local-stack.md)",
  },
  {
    flag: "edge-port",
    env: "HEADROOM_EDGE_PORT",
    path: "edgePort",
    kind: "integer",
    meta: "N",
    default: "8787",
    help: "port of the Worker (under wrangler dev, its inspector takes this + 10000)",
  },
  {
    flag: "edge-inspector-port",
    env: "HEADROOM_EDGE_INSPECTOR_PORT",
    path: "edgeInspectorPort",
    kind: "integer",
    meta: "N",
    default: "off",
    help: "open the Worker isolate's V8 inspector on this port (chrome://inspect; miniflare runtime)",
  },
  {
    flag: "predictor-port",
    env: "HEADROOM_PREDICTOR_PORT",
    path: "predictorPort",
    kind: "integer",
    meta: "N",
    default: "8090",
    help: "port of the predictor's API and dashboard",
  },
  {
    flag: "scaler-port",
    env: "HEADROOM_SCALER_PORT",
    path: "scalerPort",
    kind: "integer",
    meta: "N",
    default: "8091",
    help: "port of the scaler's /metrics and /healthz",
  },
  {
    flag: "origin-base-port",
    env: "HEADROOM_ORIGIN_BASE_PORT",
    path: "originBasePort",
    kind: "integer",
    meta: "N",
    default: "9101",
    help: "port of the first simulated origin, the others follow",
  },
  {
    flag: "fleet",
    env: "HEADROOM_FLEET",
    path: "fleet",
    kind: "file",
    meta: "FILE",
    default: "4 pools x 2 origins",
    help: "fleet spec (JSON) of the origin simulator",
  },
  {
    flag: "csv",
    env: "HEADROOM_TRACE_CSV",
    path: "trace.file",
    kind: "string",
    meta: "FILE",
    default: "a generated trace",
    help: "replay this timestamp,value CSV instead",
  },
  {
    flag: "column",
    env: "HEADROOM_TRACE_COLUMN",
    path: "trace.column",
    kind: "string",
    meta: "NAME",
    default: "first value column",
    help: "value column of the CSV",
  },
  {
    flag: "days",
    env: "HEADROOM_TRACE_DAYS",
    path: "trace.days",
    kind: "number",
    meta: "N",
    default: "14",
    help: "length of the generated trace",
  },
  {
    flag: "flash-crowds",
    env: "HEADROOM_FLASH_CROWDS",
    path: "trace.flashCrowds",
    kind: "integer",
    meta: "N",
    default: "1",
    help: "flash crowds in the generated trace",
  },
  {
    flag: "start",
    env: "HEADROOM_START",
    path: "startAt",
    kind: "date",
    meta: "DATE",
    default: "Tuesday 04:00 of the generated trace",
    help: "trace time the replay starts at (CSV: a week in, or halfway)",
  },
  {
    flag: "speed",
    env: "HEADROOM_SPEED",
    path: "speed",
    kind: "number",
    meta: "X",
    default: "60",
    help: "trace seconds played per real second (a trace day in 24 minutes)",
  },
  {
    flag: "peak-rps",
    env: "HEADROOM_PEAK_RPS",
    path: "peakRps",
    kind: "number",
    meta: "N",
    default: "250",
    help: "request rate at the trace's highest value",
  },
  {
    flag: "duration",
    env: "HEADROOM_DURATION",
    path: "durationSeconds",
    kind: "duration",
    meta: "TIME",
    default: "until Ctrl-C",
    help: "play this long, then stop the stack",
  },
  {
    flag: "step",
    env: "HEADROOM_STEP",
    path: "stepSeconds",
    kind: "duration",
    meta: "TIME",
    default: "5s",
    help: "the predictor's scrape and forecast step",
  },
  {
    flag: "history",
    env: "HEADROOM_HISTORY",
    path: "backfillSeconds",
    kind: "duration",
    meta: "TIME",
    default: "2h",
    help: "real time of compressed history written before the replay starts",
  },
  {
    flag: "retention",
    env: "HEADROOM_RETENTION",
    path: "retentionSeconds",
    kind: "duration",
    meta: "TIME",
    default: "150m",
    help: "how long the predictor keeps points; every training reads all of them",
  },
  {
    flag: "boot-delay",
    env: "HEADROOM_BOOT_DELAY",
    path: "bootDelaySeconds",
    kind: "duration",
    meta: "TIME",
    default: "15s",
    help: "time from a scale-out to the new replicas serving",
  },
  {
    flag: "horizon",
    env: "HEADROOM_HORIZON",
    path: "horizonSeconds",
    kind: "duration",
    meta: "TIME",
    default: "2m",
    help: "how far ahead forecasts go",
  },
  {
    flag: "target-utilization",
    env: "HEADROOM_TARGET_UTILIZATION",
    path: "slo.targetUtilization",
    kind: "number",
    meta: "X",
    default: "0.6",
    help: "every pool's SLO: forecast load / capacity must stay under it",
  },
  {
    flag: "lead",
    env: "HEADROOM_LEAD",
    path: "slo.leadSeconds",
    kind: "duration",
    meta: "TIME",
    default: "30s",
    help: "every pool's SLO: act this far ahead (at least the boot delay)",
  },
  {
    flag: "cooldown",
    env: "HEADROOM_COOLDOWN",
    path: "slo.scaleInCooldownSeconds",
    kind: "duration",
    meta: "TIME",
    default: "2m",
    help: "every pool's SLO: scale-in cooldown",
  },
  {
    flag: "p95-ms",
    env: "HEADROOM_P95_MS",
    path: "slo.p95LatencyMs",
    kind: "number",
    meta: "MS",
    default: "750",
    help: "every pool's SLO: p95 latency in ms",
  },
  {
    flag: "max-error-rate",
    env: "HEADROOM_MAX_ERROR_RATE",
    path: "slo.maxErrorRate",
    kind: "number",
    meta: "X",
    default: "0.01",
    help: "every pool's SLO: share of 5xx answers",
  },
  {
    flag: "scaler-interval",
    env: "HEADROOM_SCALER_INTERVAL",
    path: "scalerIntervalSeconds",
    kind: "duration",
    meta: "TIME",
    default: "5s",
    help: "how often the scaler evaluates",
  },
  {
    flag: "retrain-interval",
    env: "HEADROOM_RETRAIN_INTERVAL",
    path: "retrainIntervalSeconds",
    kind: "duration",
    meta: "TIME",
    default: "30m",
    help: "how often every series is retrained",
  },
  {
    flag: "health-check-every",
    env: "HEADROOM_HEALTH_CHECK_EVERY",
    path: "healthCheckSeconds",
    kind: "duration",
    meta: "TIME",
    default: "5s",
    help: "the Worker's active health checks (cron does not fire under wrangler dev)",
  },
  {
    flag: "models",
    env: "HEADROOM_MODELS",
    path: "models",
    kind: "list",
    meta: "KIND,...",
    default: "seasonal-naive,holt-winters,lstm",
    help: "model kinds the predictor trains (the LSTM, for the load series, in a process of its own)",
  },
  {
    flag: "lstm-epochs",
    env: "HEADROOM_LSTM_EPOCHS",
    path: "lstmEpochs",
    kind: "integer",
    meta: "N",
    default: "20",
    help: "most LSTM training epochs (early stopping may end it sooner)",
  },
  {
    flag: "admin-token",
    env: "HEADROOM_ADMIN_TOKEN",
    path: "adminToken",
    kind: "string",
    meta: "TOKEN",
    default: "a random one",
    help: "bearer token of the Worker's admin API and the predictor's writes",
  },
  {
    flag: "seed",
    env: "HEADROOM_SEED",
    path: "seed",
    kind: "integer",
    meta: "N",
    default: "1",
    help: "seed of the generated trace, the traffic and the origins' service times",
  },
  {
    flag: "concurrency",
    env: "HEADROOM_CONCURRENCY",
    path: "replayConcurrency",
    kind: "integer",
    meta: "N",
    default: "256",
    help: "most replayed requests in flight",
  },
  {
    flag: "quiet",
    env: "HEADROOM_QUIET",
    path: "quiet",
    kind: "flag",
    default: "off",
    help: "print only the start-up lines, progress and decisions, not every log line",
  },
];

/** What the command line asks for: the stack's settings (files still to be read), and the
 * launcher's own switches. */
export type CliRequest = { help: boolean; quiet: boolean; settings: StackSettingsInput; fleetFile?: string };

/** Names a setting in messages: `--speed / HEADROOM_SPEED`. */
export function settingName(setting: CliSetting): string {
  return `--${setting.flag} / ${setting.env}`;
}

function readValue(
  setting: CliSetting,
  text: string,
): { ok: true; value: unknown } | { ok: false; message: string } {
  const trimmed = text.trim();
  switch (setting.kind) {
    case "string":
    case "file":
      return trimmed === "" ? { ok: false, message: "must not be empty" } : { ok: true, value: trimmed };
    case "number":
    case "integer": {
      const value = Number(trimmed);
      if (trimmed === "" || !Number.isFinite(value))
        return { ok: false, message: `"${text}" is not a number` };
      if (setting.kind === "integer" && !Number.isInteger(value))
        return { ok: false, message: `"${text}" is not a whole number` };
      return { ok: true, value };
    }
    case "duration": {
      const seconds = parseDurationSeconds(trimmed);
      return seconds === null
        ? { ok: false, message: `"${text}" is not a duration (e.g. 5s, 2m, 2h; plain numbers are seconds)` }
        : { ok: true, value: seconds };
    }
    case "date": {
      const value = /^\d+$/.test(trimmed) ? Number(trimmed) : Date.parse(trimmed);
      return Number.isFinite(value)
        ? { ok: true, value }
        : {
            ok: false,
            message: `"${text}" is not a date (ISO-8601 such as 2026-01-13T04:00:00Z, or epoch ms)`,
          };
    }
    case "list":
      return {
        ok: true,
        value: trimmed
          .split(",")
          .map((item) => item.trim())
          .filter(Boolean),
      };
    case "flag":
      return ["", "1", "true", "yes"].includes(trimmed.toLowerCase())
        ? { ok: true, value: true }
        : ["0", "false", "no"].includes(trimmed.toLowerCase())
          ? { ok: true, value: false }
          : { ok: false, message: `"${text}" is not true or false` };
  }
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const [head = "", ...rest] = path.split(".");
  if (rest.length === 0) {
    target[head] = value;
    return;
  }
  const inner = (target[head] ??= {}) as Record<string, unknown>;
  setPath(inner, rest.join("."), value);
}

/** Reads flags (which win) and environment variables into stack settings, collecting every
 * unreadable value with the flag and variable that hold it. */
export function parseCli(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): { ok: true; request: CliRequest } | { ok: false; issues: ValidationIssue[] } {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        help: { type: "boolean" },
        ...Object.fromEntries(
          CLI_SETTINGS.map((s) => [
            s.flag,
            { type: s.kind === "flag" ? ("boolean" as const) : ("string" as const) },
          ]),
        ),
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    return {
      ok: false,
      issues: [
        {
          path: "(command line)",
          message: `${error instanceof Error ? error.message : String(error)} (--help lists the options)`,
        },
      ],
    };
  }
  const issues: ValidationIssue[] = [];
  const settings: Record<string, unknown> = {};
  let quiet = false;
  let fleetFile: string | undefined;
  for (const setting of CLI_SETTINGS) {
    const flagValue = values[setting.flag];
    const text =
      typeof flagValue === "boolean" ? (flagValue ? "true" : "false") : (flagValue ?? env[setting.env]);
    if (text === undefined) continue;
    const read = readValue(setting, text);
    if (!read.ok) {
      issues.push({ path: settingName(setting), message: read.message });
      continue;
    }
    if (setting.path === "quiet") quiet = read.value === true;
    else if (setting.path === "fleet") fleetFile = read.value as string;
    else setPath(settings, setting.path, read.value);
  }
  const trace = settings.trace as Record<string, unknown> | undefined;
  if (trace) {
    const csv = trace.file !== undefined;
    if (!csv && trace.column !== undefined)
      issues.push({
        path: "--column / HEADROOM_TRACE_COLUMN",
        message: "needs --csv (a generated trace has one column)",
      });
    if (csv && (trace.days !== undefined || trace.flashCrowds !== undefined))
      issues.push({
        path: "--days, --flash-crowds",
        message: "shape the generated trace; they cannot apply to --csv",
      });
    settings.trace = csv ? { kind: "csv", ...trace } : { kind: "generated", ...trace };
  }
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    request: {
      help: values.help === true,
      quiet,
      settings: settings,
      ...(fleetFile !== undefined ? { fleetFile } : {}),
    },
  };
}

/** Renames a settings path from validation (`slo.leadSeconds`, `fleet.pools[0].name`) to the
 * flag and variable a user sets. */
export function cliNameOf(path: string): string {
  if (path.startsWith("fleet.")) return `--fleet / HEADROOM_FLEET: ${path.slice("fleet.".length)}`;
  const exact = CLI_SETTINGS.find((setting) => setting.path === path);
  if (exact) return settingName(exact);
  const prefix = CLI_SETTINGS.find(
    (setting) => path.startsWith(`${setting.path}[`) || path.startsWith(`${setting.path}.`),
  );
  return prefix ? settingName(prefix) : path;
}
