import path from "node:path";
import { SCALER_SECRET_ENV } from "./generated-config.ts";
import type { StackLifecycle, StackPart } from "./stack-lifecycle.ts";
import type { StackSettings } from "./stack-options.ts";
import type { ServiceProcess } from "./service-process.ts";
import { describeExit, startService } from "./service-process.ts";

/** What the predictor and the scaler of the stack are started with. */
export type ServiceInputs = {
  settings: StackSettings & { prefix: string };
  host: string;
  ports: { predictor: number; scaler: number };
  /** The stack's temporary folder (models), the generated targets and scaler files. */
  work: string;
  targetsFile: string;
  scalerFile: string;
  edgeUrl: string;
  adminToken: string;
  simulatorToken: string;
  scalerQueue: string;
  log?: (part: StackPart, line: string) => void;
};

/** The series the demo's LSTM trains: the load (requests per second) of every origin. */
export const LSTM_DEMO_METRICS = ["rps"] as const;

/** Niceness of the LSTM trainer: the traffic, the Worker and the other services come first. */
export const LSTM_NICENESS = 10;

/** Starts a service and has the lifecycle stop it, and report its unexpected exit as the stack's
 * failure with its last output. */
function startWatched(
  lifecycle: StackLifecycle,
  what: string,
  options: Parameters<typeof startService>[0],
): ServiceProcess {
  const service = startService(options);
  lifecycle.onStop(() => service.stop());
  lifecycle.watchExit(
    service.exited,
    (status) =>
      `the ${what} exited unexpectedly (${describeExit(status)}); its last output:\n  ${service.recentOutput().slice(-8).join("\n  ")}`,
  );
  return service;
}

/** True when the stack trains the LSTM in a process of its own (startLstmTrainer): beside a
 * classical model, which serves the load series until the LSTM is trained. With the LSTM alone,
 * the one predictor process trains it. */
export function trainsLstm(settings: Pick<StackSettings, "models">): boolean {
  return settings.models.includes("lstm") && settings.models.some((kind) => kind !== "lstm");
}

/** What every predictor process of the stack shares: Redis, step, models, the model folder. */
function predictorEnv(inputs: ServiceInputs): Record<string, string> {
  const { settings } = inputs;
  return {
    REDIS_URL: settings.redisUrl,
    PREDICTOR_PREFIX: settings.prefix,
    PREDICTOR_STEP: `${settings.stepSeconds}s`,
    PREDICTOR_RETENTION: `${settings.retentionSeconds}s`,
    PREDICTOR_MODEL_DIR: path.join(inputs.work, "models"),
    PREDICTOR_RETRAIN_INTERVAL: `${settings.retrainIntervalSeconds}s`,
    PREDICTOR_HORIZON: String(settings.horizonSteps),
    PREDICTOR_MODELS: settings.models.join(","),
    PREDICTOR_LSTM_EPOCHS: String(settings.lstmEpochs),
  };
}

/**
 * Starts the predictor's API, worker and scheduler in one process on the stack's Redis, targets
 * and Worker. When the stack trains the LSTM, this process trains the classical models and hands
 * the load series' LSTM trainings to the LSTM lane (startLstmTrainer).
 */
export function startPredictor(lifecycle: StackLifecycle, inputs: ServiceInputs): ServiceProcess {
  return startWatched(lifecycle, "predictor", {
    name: "the predictor",
    script: "predictor/main.ts",
    args: [],
    onLine: (line) => inputs.log?.("predictor", line),
    env: {
      ...predictorEnv(inputs),
      PREDICTOR_ROLES: "api,worker,scheduler",
      PREDICTOR_LSTM_METRICS: trainsLstm(inputs.settings) ? LSTM_DEMO_METRICS.join(",") : "",
      PREDICTOR_TARGETS: inputs.targetsFile,
      PREDICTOR_ADMIN_TOKEN: inputs.adminToken,
      PREDICTOR_HOST: inputs.host,
      PREDICTOR_PORT: String(inputs.ports.predictor),
      PREDICTOR_EDGE_URL: inputs.edgeUrl,
      PREDICTOR_EDGE_TOKEN: inputs.adminToken,
    },
  });
}

/**
 * Starts the predictor's `lstm` role in a process of its own, at a lower priority: it trains the
 * load series with the LSTM beside the classical models, one series at a time (one core), and
 * saves to the model folder the first process serves from. Its tens of seconds of CPU per series
 * thus never hold up a scrape, a forecast, the Worker or the traffic.
 */
export function startLstmTrainer(lifecycle: StackLifecycle, inputs: ServiceInputs): ServiceProcess {
  return startWatched(lifecycle, "predictor's LSTM trainer", {
    name: "the predictor's LSTM trainer",
    script: "predictor/main.ts",
    args: [],
    niceness: LSTM_NICENESS,
    onLine: (line) => inputs.log?.("predictor", line),
    env: { ...predictorEnv(inputs), PREDICTOR_ROLES: "lstm", PREDICTOR_LSTM_METRICS: "" },
  });
}

/** Starts the scaler in act mode with the generated configuration file. */
export function startScaler(lifecycle: StackLifecycle, inputs: ServiceInputs): ServiceProcess {
  return startWatched(lifecycle, "scaler", {
    name: "the scaler",
    script: "scaler/main.ts",
    args: ["--config", inputs.scalerFile],
    onLine: (line) => inputs.log?.("scaler", line),
    env: {
      REDIS_URL: inputs.settings.redisUrl,
      REDIS_PREFIX: inputs.settings.prefix,
      SCALER_QUEUE: inputs.scalerQueue,
      SCALER_METRICS_HOST: inputs.host,
      SCALER_METRICS_PORT: String(inputs.ports.scaler),
      [SCALER_SECRET_ENV.edgeToken]: inputs.adminToken,
      [SCALER_SECRET_ENV.simulatorToken]: inputs.simulatorToken,
    },
  });
}
