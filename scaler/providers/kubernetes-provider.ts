import { readFile } from "node:fs/promises";
import { statusError } from "../http/fetch-json.ts";
import { RemoteCallError } from "../http/http-errors.ts";
import type { KubeCredentials } from "./kube-credentials.ts";
import type { ScaleProvider, ScaleRequest, ScaleResult } from "./scale-provider.ts";
import { requestSummary } from "./scale-provider.ts";
import { requestJson } from "./tls-request.ts";

/** Options of the Kubernetes provider: the Deployment to resize and how to reach the API. */
export type KubernetesOptions = {
  namespace: string;
  deployment: string;
  credentials: KubeCredentials;
  timeoutMs?: number;
};

/**
 * Resizes a Deployment through its `scale` subresource with a JSON merge patch
 * (`PATCH /apis/apps/v1/namespaces/NS/deployments/NAME/scale`, `{"spec":{"replicas":N}}`), as
 * `kubectl scale` does. The merge patch needs no resourceVersion, so it cannot conflict with the
 * Deployment's other writers; the count is absolute, so a repeated call changes nothing. Needs
 * RBAC `patch` on `deployments/scale`.
 */
export function kubernetesProvider(options: KubernetesOptions): ScaleProvider {
  const { credentials } = options;
  const path = `/apis/apps/v1/namespaces/${encodeURIComponent(options.namespace)}/deployments/${encodeURIComponent(options.deployment)}/scale`;
  return {
    target: `kubernetes ${options.namespace}/${options.deployment}`,
    async scale(request: ScaleRequest): Promise<ScaleResult> {
      const token =
        credentials.token ??
        (credentials.tokenFile ? (await readFile(credentials.tokenFile, "utf8")).trim() : undefined);
      const headers: Record<string, string> = {
        "content-type": "application/merge-patch+json",
        accept: "application/json",
      };
      if (token) headers.authorization = `Bearer ${token}`;
      const what = `PATCH ${credentials.server}${path} (${requestSummary(request)})`;
      const answer = await requestJson(credentials.server + path, {
        method: "PATCH",
        headers,
        body: JSON.stringify({ spec: { replicas: request.desired } }),
        tls: {
          ...(credentials.ca !== undefined ? { ca: credentials.ca } : {}),
          ...(credentials.cert !== undefined ? { cert: credentials.cert } : {}),
          ...(credentials.key !== undefined ? { key: credentials.key } : {}),
          rejectUnauthorized: credentials.insecureSkipTlsVerify !== true,
        },
        timeoutMs: options.timeoutMs ?? 10_000,
        what,
      });
      if (answer.status === 200 || answer.status === 201) {
        const replicas = (answer.body as { spec?: { replicas?: unknown } } | undefined)?.spec?.replicas;
        return { replicas: typeof replicas === "number" ? replicas : request.desired };
      }
      const error = statusError(what, kubeStatus(answer));
      // A conflict means another writer raced us; the patch is safe to repeat.
      if (answer.status === 409) throw new RemoteCallError(error.message, { retryable: true, status: 409 });
      throw error;
    },
  };
}

/** Kubernetes errors are `Status` objects; their `message` is the useful part. */
function kubeStatus(answer: { status: number; body: unknown; text: string }): {
  status: number;
  body: unknown;
  text: string;
} {
  const message = (answer.body as { kind?: unknown; message?: unknown } | undefined)?.message;
  return typeof message === "string" ? { ...answer, body: { error: message } } : answer;
}
