import { createHmac } from "node:crypto";
import { fetchJson, statusError } from "../http/fetch-json.ts";
import type { ScaleProvider, ScaleRequest, ScaleResult } from "./scale-provider.ts";
import { requestSummary } from "./scale-provider.ts";

/** Header carrying `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export const SIGNATURE_HEADER = "x-headroom-signature";

/** Signs a webhook body as Stripe-style signatures do: the timestamp is inside the signed text,
 * so a receiver can refuse replays older than its tolerance. */
export function signWebhook(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac("sha256", secret).update(`${unixSeconds}.${body}`).digest("hex");
  return `t=${unixSeconds},v1=${mac}`;
}

/** Options of the webhook provider; `now` is injected for the signature's timestamp. */
export type WebhookOptions = { url: string; secret?: string; timeoutMs?: number; now: () => number };

/**
 * Posts each replica change as JSON `{ origin, pool, current, desired, reason, decisionId }` to
 * an operator's endpoint, signed with HMAC-SHA256 when a secret is configured. Any 2xx accepts
 * the change; a JSON answer with an integer `replicas` reports the count the platform chose.
 */
export function webhookProvider(options: WebhookOptions): ScaleProvider {
  return {
    target: `webhook ${options.url}`,
    async scale(request: ScaleRequest): Promise<ScaleResult> {
      const body = JSON.stringify({
        origin: request.origin,
        pool: request.pool,
        current: request.current,
        desired: request.desired,
        reason: request.reason,
        decisionId: request.decisionId,
      });
      const headers: Record<string, string> = {
        "content-type": "application/json",
        "idempotency-key": request.decisionId,
      };
      if (options.secret !== undefined)
        headers[SIGNATURE_HEADER] = signWebhook(options.secret, body, Math.floor(options.now() / 1000));
      const what = `POST ${options.url} (${requestSummary(request)})`;
      const answer = await fetchJson(options.url, {
        method: "POST",
        headers,
        body,
        timeoutMs: options.timeoutMs ?? 10_000,
        what,
      });
      if (answer.status < 200 || answer.status > 299) throw statusError(what, answer);
      const replicas = (answer.body as { replicas?: unknown } | undefined)?.replicas;
      return {
        replicas:
          typeof replicas === "number" && Number.isInteger(replicas) && replicas >= 0
            ? replicas
            : request.desired,
      };
    },
  };
}
