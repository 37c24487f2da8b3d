import type { Clock } from "../../contracts/index.ts";
import type { Env, ScalerConfig } from "../config/load-config.ts";
import type { KubeCredentials } from "./kube-credentials.ts";
import { resolveKubeCredentials } from "./kube-credentials.ts";
import { kubernetesProvider } from "./kubernetes-provider.ts";
import type { ScaleProvider } from "./scale-provider.ts";
import { simulatorProvider } from "./simulator-provider.ts";
import { webhookProvider } from "./webhook-provider.ts";

/** The provider of each configured origin. The simulator provider defaults to the origin's own
 * URL from the table, which is why the URL is passed at call time. */
export type ProviderRegistry = { forOrigin(origin: string, originUrl: string): ScaleProvider | undefined };

/** Builds every origin's provider; Kubernetes credentials are resolved now, so a missing
 * kubeconfig or service account stops the scaler at start with the reason. */
export async function createProviders(
  config: ScalerConfig,
  env: Env,
  now: Clock,
  serviceAccountDir?: string,
): Promise<ProviderRegistry> {
  const kube = new Map<string, KubeCredentials>();
  for (const scaling of Object.values(config.origins)) {
    const p = scaling.provider;
    if (p.kind !== "kubernetes") continue;
    const key = `${p.credentials}|${p.kubeconfig ?? ""}|${p.context ?? ""}`;
    if (!kube.has(key)) {
      kube.set(
        key,
        await resolveKubeCredentials({
          mode: p.credentials,
          env,
          ...(p.kubeconfig !== undefined ? { kubeconfig: p.kubeconfig } : {}),
          ...(p.context !== undefined ? { context: p.context } : {}),
          ...(serviceAccountDir !== undefined ? { serviceAccountDir } : {}),
        }),
      );
    }
  }
  return {
    forOrigin(origin, originUrl) {
      const p = config.origins[origin]?.provider;
      if (!p) return undefined;
      const timeout = p.timeoutMs !== undefined ? { timeoutMs: p.timeoutMs } : {};
      if (p.kind === "webhook") {
        const secret = p.secretEnv !== undefined ? env[p.secretEnv] : undefined;
        return webhookProvider({ url: p.url, now, ...timeout, ...(secret !== undefined ? { secret } : {}) });
      }
      if (p.kind === "simulator") {
        const token = p.tokenEnv !== undefined ? env[p.tokenEnv] : undefined;
        return simulatorProvider({
          url: p.url ?? originUrl,
          ...timeout,
          ...(token !== undefined ? { token } : {}),
        });
      }
      const credentials = kube.get(`${p.credentials}|${p.kubeconfig ?? ""}|${p.context ?? ""}`);
      return credentials
        ? kubernetesProvider({ namespace: p.namespace, deployment: p.deployment, credentials, ...timeout })
        : undefined;
    },
  };
}
