import type { UpstreamFetch } from "../http/request-scope.ts";
import type { ProbeResult } from "../resilience/health-state.ts";

/** Probes one health URL: passing means any 2xx or 3xx answer within the timeout. */
export async function probe(
  url: string,
  timeoutMs: number,
  fetcher: UpstreamFetch,
  clock: () => number,
): Promise<ProbeResult> {
  const started = clock();
  try {
    const response = await fetcher(url, {
      method: "GET",
      redirect: "manual",
      headers: { "user-agent": "headroom-edge-health-check" },
      signal: AbortSignal.timeout(timeoutMs),
    });
    const rttMs = clock() - started;
    await response.body?.cancel();
    const ok = response.status >= 200 && response.status < 400;
    return ok
      ? { ok, status: response.status, rttMs }
      : { ok, status: response.status, rttMs, error: `answered ${response.status}` };
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    return {
      ok: false,
      rttMs: clock() - started,
      error: timedOut
        ? `no answer within ${timeoutMs} ms`
        : error instanceof Error
          ? error.message
          : String(error),
    };
  }
}

/** Runs `task` over `items` with at most `limit` at once (a Worker invocation may hold six
 * connections open; more would queue, and queued probes would time out unfairly). */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++];
      if (item !== undefined) await task(item);
    }
  });
  await Promise.all(workers);
}
