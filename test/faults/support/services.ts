// The predictor and the scaler as real processes against a given Redis, scraping and resizing
// one fault origin, with the Worker admin API faked.
import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { ServiceProcess } from "./service-process.ts";
import { startService } from "./service-process.ts";
import { WORKER_TOKEN, writeScalerConfig } from "./scaler-setup.ts";

/** The admin token the predictor is started with. */
export const PREDICTOR_TOKEN = "predictor-admin-token-0123456789";

/** Starts the predictor (every role, a 1 s step, never training) scraping `originUrl`; resolves
 * once its schedules are installed and its API listens, with the API's base URL. `preload`
 * modules (test fixtures) are imported before it. */
export async function startPredictor(
  dir: string,
  redisUrl: string,
  originUrl: string,
  extraEnv: Record<string, string> = {},
  preload: readonly string[] = [],
): Promise<{ service: ServiceProcess; api: string }> {
  const targets = path.join(dir, "targets.json");
  await writeFile(
    targets,
    JSON.stringify({ targets: [{ url: `${originUrl}/metrics`, origin: "eu-1", timeoutSeconds: 20 }] }),
  );
  const service = startService(
    "predictor/main.ts",
    [
      "--redis",
      redisUrl,
      "--step",
      "1s",
      "--retention",
      "1h",
      "--targets",
      targets,
      "--model-dir",
      path.join(dir, "models"),
      "--min-train-points",
      "1000000",
      "--port",
      "0",
      "--admin-token",
      PREDICTOR_TOKEN,
    ],
    extraEnv,
    preload,
  );
  const [, api = ""] = await service.waitFor(/API on (http:\/\/\S+\/api)\//, 60_000);
  await service.waitFor(/schedules: /, 60_000);
  return { service, api };
}

/** Starts the scaler (evaluating every second) resizing eu-1 through the origin's webhook. */
export async function startScaler(
  dir: string,
  redisUrl: string,
  adminUrl: string,
  originUrl: string,
  extraEnv: Record<string, string> = {},
): Promise<ServiceProcess> {
  const config = await writeScalerConfig(dir, {
    adminUrl,
    webhookUrl: `${originUrl}/hooks/scale`,
    lockSeconds: 30,
  });
  const service = startService("scaler/main.ts", ["--config", config], {
    REDIS_URL: redisUrl,
    LB_ADMIN_TOKEN: WORKER_TOKEN,
    ...extraEnv,
  });
  await service.waitFor(/evaluating every/, 60_000);
  return service;
}
