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

/** Starts a service and has the lifecycle stop it, and report its unexpected exit as the stack's
 * failure with its last output. */
function startWatched(
  lifecycle: StackLifecycle,
  part: StackPart,
  options: Parameters<typeof startService>[0],
): ServiceProcess {
  const service = startService(options);
  lifecycle.onStop(() => service.stop());
  lifecycle.watchExit(
    service.exited,
    (status) =>
      `the ${part} exited unexpectedly (${describeExit(status)}); its last output:\n  ${service.recentOutput().slice(-8).join("\n  ")}`,
  );
  return service;
}

/** Starts the predictor (every role in one process) on the stack's Redis, targets and Worker. */
export function startPredictor(lifecycle: StackLifecycle, inputs: ServiceInputs): ServiceProcess {
  const { settings } = inputs;
  return startWatched(lifecycle, "predictor", {
    name: "the predictor",
    script: "predictor/main.ts",
    args: [],
    onLine: (line) => inputs.log?.("predictor", line),
    env: {
      REDIS_URL: settings.redisUrl,
      PREDICTOR_PREFIX: settings.prefix,
      PREDICTOR_STEP: `${settings.stepSeconds}s`,
      PREDICTOR_RETENTION: `${settings.retentionSeconds}s`,
      PREDICTOR_TARGETS: inputs.targetsFile,
      PREDICTOR_ADMIN_TOKEN: inputs.adminToken,
      PREDICTOR_HOST: inputs.host,
      PREDICTOR_PORT: String(inputs.ports.predictor),
      PREDICTOR_MODEL_DIR: path.join(inputs.work, "models"),
      PREDICTOR_RETRAIN_INTERVAL: `${settings.retrainIntervalSeconds}s`,
      PREDICTOR_HORIZON: String(settings.horizonSteps),
      PREDICTOR_MODELS: settings.models.join(","),
      PREDICTOR_LSTM_EPOCHS: settings.lstmEpochs !== undefined ? String(settings.lstmEpochs) : "",
      PREDICTOR_EDGE_URL: inputs.edgeUrl,
      PREDICTOR_EDGE_TOKEN: inputs.adminToken,
    },
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
