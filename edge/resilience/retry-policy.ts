import type { Rng } from "../../contracts/random.ts";

/** Methods whose repetition has the same effect as one request (RFC 9110, 9.2.2). */
const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"]);

/** How a try failed: no answer (connection refused or lost), no answer in time, or a 5xx. */
export type FailureKind = "connect" | "timeout" | "status";

/** True for 5xx answers: they count toward ejection (4xx are the client's business). */
export function isServerError(status: number): boolean {
  return status >= 500 && status <= 599;
}

/** Answers worth another origin's try: the gateway-type errors (Envoy's retry_on gateway-error). */
export function isRetryableStatus(status: number): boolean {
  return status === 502 || status === 503 || status === 504;
}

/**
 * May a failed try be sent again to another origin? A request with a body never: the body was
 * streamed upstream and is not kept. Without a body, an idempotent request retries after any
 * failure; any other method only when no origin answered at all (the connection failed).
 */
export function mayRetry(method: string, hasBody: boolean, kind: FailureKind, status = 0): boolean {
  if (hasBody) return false;
  if (IDEMPOTENT.has(method)) return kind !== "status" || isRetryableStatus(status);
  return kind === "connect";
}

/** "Full jitter" back-off (AWS Architecture Blog): uniform in [0, min(max, base x 2^(retry-1))]. */
export function backoffDelay(retry: number, baseMs: number, maxMs: number, rng: Rng): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(rng() * ceiling);
}
