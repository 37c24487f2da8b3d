import type { Env, ScalerConfig } from "../config/load-config.ts";
import { cloudflareKvWriter } from "./cloudflare-kv-writer.ts";
import type { WeightWriter } from "./weight-writer.ts";
import { workerAdminWriter } from "./worker-admin-writer.ts";

/** The weight writer the configuration names, with its token from the environment. */
export function createWriter(config: ScalerConfig, env: Env): WeightWriter {
  const target = config.weights;
  const token = env[target.tokenEnv] ?? "";
  const timeout = target.timeoutMs !== undefined ? { timeoutMs: target.timeoutMs } : {};
  if (target.kind === "worker-admin") return workerAdminWriter({ url: target.url, token, ...timeout });
  return cloudflareKvWriter({
    apiBase: target.apiBase,
    accountId: target.accountId,
    namespaceId: target.namespaceId,
    token,
    ...timeout,
  });
}
