import type { ValidationIssue } from "../../contracts/index.ts";
import { RemoteCallError, isRetryableStatus } from "./http-errors.ts";

/** An HTTP answer: status, parsed JSON body (undefined when empty or not JSON) and raw text. */
export type JsonAnswer = { status: number; body: unknown; text: string };

/** Options of one call. */
export type CallOptions = {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
  what: string;
};

/** Calls `url`, turning network errors and timeouts into retryable RemoteCallErrors; any HTTP
 * status is returned for the caller to judge. */
export async function fetchJson(url: string, options: CallOptions): Promise<JsonAnswer> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: options.method ?? "GET",
      headers: options.headers ?? {},
      ...(options.body !== undefined ? { body: options.body } : {}),
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      redirect: "error",
    });
  } catch (error) {
    const detail =
      error instanceof Error
        ? error.name === "TimeoutError"
          ? `timed out after ${options.timeoutMs ?? 10_000} ms`
          : `${error.message}${causeOf(error)}`
        : String(error);
    throw new RemoteCallError(`${options.what}: ${detail}`, { retryable: true, cause: error });
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text === "" ? undefined : (JSON.parse(text) as unknown);
  } catch {
    body = undefined;
  }
  return { status: response.status, body, text };
}

function causeOf(error: Error): string {
  const cause = error.cause;
  return cause instanceof Error ? ` (${cause.message})` : "";
}

/** The error for an unexpected HTTP status, carrying the answer's `error` and `issues`. */
export function statusError(what: string, answer: JsonAnswer): RemoteCallError {
  const body = answer.body as { error?: unknown; issues?: unknown } | undefined;
  const detail = typeof body?.error === "string" ? body.error : answer.text.slice(0, 300);
  const issues = Array.isArray(body?.issues) ? (body.issues as ValidationIssue[]) : undefined;
  const listed = issues ? `: ${issues.map((i) => `${i.path || "(root)"}: ${i.message}`).join("; ")}` : "";
  return new RemoteCallError(`${what}: HTTP ${answer.status}${detail ? ` ${detail}` : ""}${listed}`, {
    retryable: isRetryableStatus(answer.status),
    status: answer.status,
    ...(issues ? { issues } : {}),
  });
}
