import type { MetricName, ModelKind, TfBackend, ValidationIssue } from "../../contracts/index.ts";
import {
  DEFAULT_REDIS_PREFIX,
  DEFAULT_STEP_SECONDS,
  METRICS,
  MODEL_KINDS,
  TF_BACKENDS,
} from "../../contracts/index.ts";
import { parseDurationSeconds } from "./duration.ts";

/** The predictor service's configuration, after validation. */
export type PredictorConfig = {
  redisUrl: string;
  prefix: string;
  stepSeconds: number;
  retentionSeconds: number;
  targetsFile: string | null;
  adminToken: string | null;
  host: string;
  port: number;
  modelDir: string;
  retrainIntervalSeconds: number;
  horizonSteps: number;
  minTrainPoints: number;
  concurrency: number;
  maxTrainings: number;
  /** `lstm`: trains the LSTM lane's series (from its own queue), best in a process of its own. */
  roles: { api: boolean; worker: boolean; scheduler: boolean; lstm: boolean };
  backend: TfBackend | null;
  /** The Worker whose admin API the dashboard shows (fetched server-side with its token), or null. */
  edge: { url: string; token: string } | null;
  /** How far ahead the recorded forecast history looks, in steps, and how long it is kept. */
  historyLeadSteps: number;
  historyRetentionSeconds: number;
  /** Model kinds trained (null: every kind). */
  models: ModelKind[] | null;
  /** Most LSTM training epochs (null: the model's default). */
  lstmEpochs: number | null;
  /** Metrics whose series the lstm role retrains with the LSTM (empty: workers train every kind). */
  lstmMetrics: MetricName[];
  /** The operator file of SLOs and scheduled events put back whenever Redis lacks them, or null. */
  slosFile: string | null;
  /** How often the Redis epoch is checked and the declared SLOs and events put back. */
  reconcileIntervalSeconds: number;
  /** Where a process without the api role serves GET /healthz for probes, or null for nowhere. */
  healthPort: number | null;
};

/** One setting: its flag, its environment variable, its default (`shown` when the empty default
 * means something), and what it means (for --help and docs/configuration.md). */
export type PredictorSetting = { flag: string; env: string; fallback: string; shown?: string; help: string };

/** Every setting: its flag, its environment variable, its default and what it means. */
export const SETTINGS = {
  redisUrl: {
    flag: "redis",
    env: "REDIS_URL",
    fallback: "redis://127.0.0.1:6379",
    help: "Redis for series, forecasts, SLOs and jobs",
  },
  prefix: {
    flag: "prefix",
    env: "PREDICTOR_PREFIX",
    fallback: DEFAULT_REDIS_PREFIX,
    help: "key prefix (several deployments can share a Redis)",
  },
  step: {
    flag: "step",
    env: "PREDICTOR_STEP",
    fallback: `${DEFAULT_STEP_SECONDS}s`,
    help: "series step (s, m, h, d, w units; plain numbers are seconds)",
  },
  retention: {
    flag: "retention",
    env: "PREDICTOR_RETENTION",
    fallback: "14d",
    help: "how long points are kept (at least 10 steps); models train on all of it",
  },
  targets: {
    flag: "targets",
    env: "PREDICTOR_TARGETS",
    fallback: "",
    shown: "none",
    help: "the targets file (YAML or JSON): scrape targets and Prometheus queries",
  },
  adminToken: {
    flag: "admin-token",
    env: "PREDICTOR_ADMIN_TOKEN",
    fallback: "",
    shown: "none (writes disabled)",
    help: "bearer token for writes, at least 16 characters",
  },
  host: {
    flag: "host",
    env: "PREDICTOR_HOST",
    fallback: "127.0.0.1",
    help: "address the API and dashboard listen on",
  },
  port: {
    flag: "port",
    env: "PREDICTOR_PORT",
    fallback: "8090",
    help: "port the API and dashboard listen on",
  },
  modelDir: {
    flag: "model-dir",
    env: "PREDICTOR_MODEL_DIR",
    fallback: ".data/models",
    help: "where trained models are saved",
  },
  retrainInterval: {
    flag: "retrain-interval",
    env: "PREDICTOR_RETRAIN_INTERVAL",
    fallback: "6h",
    help: "how often every series is retrained",
  },
  horizon: {
    flag: "horizon",
    env: "PREDICTOR_HORIZON",
    fallback: "15m",
    help: "forecast length: a duration, or a number of steps",
  },
  minTrainPoints: {
    flag: "min-train-points",
    env: "PREDICTOR_MIN_TRAIN_POINTS",
    fallback: "120",
    help: "observed points a series needs before its first training",
  },
  concurrency: {
    flag: "concurrency",
    env: "PREDICTOR_CONCURRENCY",
    fallback: "4",
    help: "jobs a worker runs at once",
  },
  maxTrainings: {
    flag: "max-trainings",
    env: "PREDICTOR_MAX_TRAININGS",
    fallback: "1",
    help: "trainings a process runs at once",
  },
  roles: {
    flag: "roles",
    env: "PREDICTOR_ROLES",
    fallback: "api,worker,scheduler",
    help: "what this process does: api, worker, scheduler, lstm (e.g. extra machines: worker)",
  },
  backend: {
    flag: "backend",
    env: "PREDICTOR_TF_BACKEND",
    fallback: "",
    shown: "the first that loads",
    help: "TensorFlow.js backend: tensorflow, wasm or cpu",
  },
  edgeUrl: {
    flag: "edge-url",
    env: "PREDICTOR_EDGE_URL",
    fallback: "",
    shown: "none",
    help: "the Worker whose origin table the dashboard shows (http or https, no credentials)",
  },
  edgeToken: {
    flag: "edge-token",
    env: "PREDICTOR_EDGE_TOKEN",
    fallback: "",
    shown: "none",
    help: "the Worker's ADMIN_TOKEN (16 characters or more); never logged, never sent to the browser",
  },
  historyLead: {
    flag: "history-lead",
    env: "PREDICTOR_HISTORY_LEAD",
    fallback: "",
    shown: "the horizon",
    help: "how far ahead the remembered forecast looks: steps, or a duration within the horizon",
  },
  historyRetention: {
    flag: "history-retention",
    env: "PREDICTOR_HISTORY_RETENTION",
    fallback: "2d",
    help: "how long remembered forecasts are kept",
  },
  models: {
    flag: "models",
    env: "PREDICTOR_MODELS",
    fallback: "",
    shown: "all kinds",
    help: "model kinds to train, comma-separated (lstm, mstl-ets, holt-winters, seasonal-naive)",
  },
  lstmEpochs: {
    flag: "lstm-epochs",
    env: "PREDICTOR_LSTM_EPOCHS",
    fallback: "",
    shown: "the model's default",
    help: "most LSTM training epochs",
  },
  lstmMetrics: {
    flag: "lstm-metrics",
    env: "PREDICTOR_LSTM_METRICS",
    fallback: "",
    shown: "none",
    help: "metrics whose series the lstm role retrains with the LSTM, from its own queue (e.g. rps)",
  },
  slosFile: {
    flag: "slos-file",
    env: "PREDICTOR_SLOS_FILE",
    fallback: "",
    shown: "none",
    help: "operator file of SLOs and scheduled events, put back whenever Redis lacks them",
  },
  reconcileInterval: {
    flag: "reconcile-interval",
    env: "PREDICTOR_RECONCILE_INTERVAL",
    fallback: "10s",
    help: "how often the Redis epoch is checked and the declared SLOs and events put back",
  },
  healthPort: {
    flag: "health-port",
    env: "PREDICTOR_HEALTH_PORT",
    fallback: "",
    shown: "none",
    help: "port of GET /healthz in a process without the api role (workers, scheduler), for probes",
  },
} as const satisfies Record<string, PredictorSetting>;

export type SettingName = keyof typeof SETTINGS;

/** A setting's default as people read it (`--help`, docs/configuration.md). */
export function shownDefault(setting: PredictorSetting): string {
  return setting.shown ?? (setting.fallback === "" ? "none" : setting.fallback);
}

/**
 * Builds the configuration from flags (which win) and environment variables, checking every
 * field and collecting every problem, each named by its flag and variable.
 */
export function loadConfig(
  flags: Partial<Record<SettingName, string>>,
  env: Record<string, string | undefined>,
): { ok: true; config: PredictorConfig } | { ok: false; issues: ValidationIssue[] } {
  const issues: ValidationIssue[] = [];
  const raw = (name: SettingName) => flags[name] ?? env[SETTINGS[name].env] ?? SETTINGS[name].fallback;
  /** A comma-separated setting's items, trimmed, empty ones dropped. */
  const list = (name: SettingName) =>
    raw(name)
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean);
  const where = (name: SettingName) => `--${SETTINGS[name].flag} / ${SETTINGS[name].env}`;
  // Configuration errors end up in logs: a token is never echoed, a Redis password is masked.
  const shown = (name: SettingName) =>
    name === "adminToken" || name === "edgeToken"
      ? `${raw(name).length} characters`
      : `"${name === "redisUrl" ? redactUrl(raw(name)) : raw(name)}"`;
  const fail = (name: SettingName, message: string) => {
    issues.push({ path: where(name), message: `${message} (got ${shown(name)})` });
  };
  const duration = (name: SettingName, min: number, max: number) => {
    const seconds = parseDurationSeconds(raw(name));
    if (seconds === null || seconds < min || seconds > max)
      fail(name, `must be a duration from ${min} s to ${max} s, like 60s, 15m, 6h or 14d`);
    return seconds ?? min;
  };
  const integer = (name: SettingName, min: number, max: number) => {
    const value = Number(raw(name));
    if (!/^\d+$/.test(raw(name).trim()) || value < min || value > max)
      fail(name, `must be a whole number from ${min} to ${max}`);
    return Number.isFinite(value) ? value : min;
  };

  const redisUrl = raw("redisUrl");
  if (!/^rediss?:\/\/[^\s]+$/.test(redisUrl)) fail("redisUrl", "must be a redis:// or rediss:// URL");
  const prefix = raw("prefix");
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(prefix)) fail("prefix", "must be 1-64 letters, digits, '_' or '-'");
  const stepSeconds = duration("step", 1, 86_400);
  if (!Number.isInteger(stepSeconds)) fail("step", "must be a whole number of seconds");
  const retentionSeconds = duration("retention", 60, 400 * 86_400);
  if (retentionSeconds < 10 * stepSeconds)
    fail("retention", `must hold at least 10 steps (${10 * stepSeconds} s)`);
  const horizonText = raw("horizon");
  let horizonSteps: number;
  if (/^\d+$/.test(horizonText.trim())) horizonSteps = Number(horizonText);
  else horizonSteps = Math.max(1, Math.round((parseDurationSeconds(horizonText) ?? 0) / stepSeconds));
  if (!(horizonSteps >= 1 && horizonSteps <= 1_000) || parseDurationSeconds(horizonText) === null)
    fail("horizon", "must be a number of steps (1-1000) or a duration like 15m");
  const token = raw("adminToken");
  if (token !== "" && token.length < 16)
    fail("adminToken", "must be at least 16 characters (or unset, which disables writes)");
  const port = integer("port", 0, 65_535);
  const roleNames = list("roles");
  const unknownRoles = roleNames.filter((r) => !["api", "worker", "scheduler", "lstm"].includes(r));
  if (unknownRoles.length > 0 || roleNames.length === 0)
    fail("roles", "must be a comma-separated list of api, worker, scheduler, lstm");
  const backend = raw("backend");
  if (backend !== "" && !(TF_BACKENDS as readonly string[]).includes(backend))
    fail("backend", `must be one of ${TF_BACKENDS.join(", ")}`);
  // The token's value never goes into a message: configuration errors end up in logs.
  const edge = edgeSetting(raw("edgeUrl"), raw("edgeToken"), (name, message) => {
    if (name === "edgeUrl") fail(name, message);
    else issues.push({ path: where(name), message });
  });
  const historyLeadSteps = historyLead(raw("historyLead"), stepSeconds, horizonSteps, () => {
    fail(
      "historyLead",
      `must be a number of steps or a duration within the forecast horizon (1 to ${horizonSteps} steps)`,
    );
  });
  const modelNames = list("models");
  if (modelNames.some((m) => !(MODEL_KINDS as readonly string[]).includes(m)))
    fail("models", `must be a comma-separated list of ${MODEL_KINDS.join(", ")}`);
  const lstmEpochs = raw("lstmEpochs") === "" ? null : integer("lstmEpochs", 1, 1_000);
  const lstmMetrics = list("lstmMetrics");
  if (lstmMetrics.some((m) => !(METRICS as readonly string[]).includes(m)))
    fail("lstmMetrics", `must be a comma-separated list of ${METRICS.join(", ")}`);
  // The lane and the role train the LSTM: without it among the models they would have nothing to do.
  const lstmModelled = modelNames.length === 0 || modelNames.includes("lstm");
  if ((lstmMetrics.length > 0 || roleNames.includes("lstm")) && !lstmModelled)
    fail("models", "must include lstm when --lstm-metrics is set or the lstm role runs");
  // With a lane the workers train the other kinds, which serve the lane's series until it is done.
  else if (lstmMetrics.length > 0 && modelNames.length > 0 && modelNames.every((m) => m === "lstm"))
    fail("models", "must include a kind besides lstm when --lstm-metrics is set (the workers train it)");
  const config: PredictorConfig = {
    redisUrl,
    prefix,
    stepSeconds,
    retentionSeconds,
    targetsFile: raw("targets") === "" ? null : raw("targets"),
    adminToken: token === "" ? null : token,
    host: raw("host"),
    port,
    modelDir: raw("modelDir"),
    retrainIntervalSeconds: duration("retrainInterval", 60, 30 * 86_400),
    horizonSteps,
    minTrainPoints: integer("minTrainPoints", 10, 10_000_000),
    concurrency: integer("concurrency", 1, 64),
    maxTrainings: integer("maxTrainings", 1, 64),
    roles: {
      api: roleNames.includes("api"),
      worker: roleNames.includes("worker"),
      scheduler: roleNames.includes("scheduler"),
      lstm: roleNames.includes("lstm"),
    },
    backend: backend === "" ? null : (backend as TfBackend),
    edge,
    historyLeadSteps,
    historyRetentionSeconds: duration("historyRetention", 60, 400 * 86_400),
    models: modelNames.length === 0 ? null : (modelNames as ModelKind[]),
    lstmEpochs,
    lstmMetrics: lstmMetrics as MetricName[],
    slosFile: raw("slosFile") === "" ? null : raw("slosFile"),
    reconcileIntervalSeconds: duration("reconcileInterval", 1, 3_600),
    healthPort: raw("healthPort") === "" ? null : integer("healthPort", 0, 65_535),
  };
  return issues.length > 0 ? { ok: false, issues } : { ok: true, config };
}

/** A URL with its password (`redis://user:secret@host`) replaced by `***`, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*:)[^/@]*@/i, "$1***@");
}

/** The edge settings: both the Worker's URL and its admin token, or neither. */
function edgeSetting(
  url: string,
  token: string,
  fail: (name: "edgeUrl" | "edgeToken", message: string) => void,
): PredictorConfig["edge"] {
  if (url === "" && token === "") return null;
  let parsed: URL | null;
  try {
    parsed = new URL(url);
  } catch {
    parsed = null;
  }
  const validUrl =
    parsed !== null &&
    (parsed.protocol === "http:" || parsed.protocol === "https:") &&
    parsed.username === "" &&
    parsed.password === "" &&
    parsed.search === "" &&
    parsed.hash === "";
  if (url === "")
    fail("edgeUrl", "must be set when the edge token is (the Worker's base URL, like http://127.0.0.1:8787)");
  else if (!validUrl)
    fail(
      "edgeUrl",
      "must be an http(s) URL with no credentials, query or fragment, like http://127.0.0.1:8787",
    );
  if (token === "") fail("edgeToken", "must be set when the edge URL is (the Worker's ADMIN_TOKEN)");
  else if (token.length < 16)
    fail("edgeToken", "must be at least 16 characters, like the Worker's ADMIN_TOKEN");
  return validUrl && token.length >= 16 ? { url: url.replace(/\/+$/, ""), token } : null;
}

/** The forecast history's lead: steps, or a duration rounded to steps; default the horizon. */
function historyLead(text: string, stepSeconds: number, horizonSteps: number, fail: () => void): number {
  if (text.trim() === "") return horizonSteps;
  const seconds = parseDurationSeconds(text);
  const steps = /^\s*\d+\s*$/.test(text)
    ? Number(text)
    : seconds === null
      ? Number.NaN
      : Math.round(seconds / stepSeconds);
  if (!(Number.isInteger(steps) && steps >= 1 && steps <= horizonSteps)) {
    fail();
    return horizonSteps;
  }
  return steps;
}
