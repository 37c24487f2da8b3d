import type { UpstreamFetch } from "../http/request-scope.ts";
import type { FailureKind } from "../resilience/retry-policy.ts";
import { isServerError } from "../resilience/retry-policy.ts";

/** One try's result: the origin's answer (a 5xx counts as failed), or no answer at all. */
export type TryResult =
  | { readonly failure: null; readonly response: Response; readonly rttMs: number }
  | { readonly failure: "status"; readonly response: Response; readonly rttMs: number }
  | {
      readonly failure: Exclude<FailureKind, "status">;
      readonly response: null;
      readonly rttMs: number;
      readonly error: string;
    };

export type TryRequest = {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  readonly body: ReadableStream | null;
  readonly timeoutMs: number;
};

/**
 * Sends one try upstream. The per-try timeout bounds the wait for the answer's headers only: a
 * streamed body or a WebSocket may then last as long as it needs (a signal that fires after the
 * headers would cut it), so the timer is cleared as soon as the headers arrive.
 */
export async function tryOrigin(
  request: TryRequest,
  fetcher: UpstreamFetch,
  clock: () => number,
): Promise<TryResult> {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort(new DOMException(`no answer within ${request.timeoutMs} ms`, "TimeoutError"));
  }, request.timeoutMs);
  const started = clock();
  try {
    const response = await fetcher(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      redirect: "manual",
      signal: controller.signal,
    });
    const rttMs = clock() - started;
    return isServerError(response.status)
      ? { failure: "status", response, rttMs }
      : { failure: null, response, rttMs };
  } catch (error) {
    const rttMs = clock() - started;
    const timedOut = controller.signal.aborted;
    return {
      failure: timedOut ? "timeout" : "connect",
      response: null,
      rttMs,
      error: error instanceof Error ? error.message : String(error),
    };
  } finally {
    clearTimeout(timer);
  }
}
