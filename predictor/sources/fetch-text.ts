/** Fetches a text document over HTTP(S) for a scrape or a Prometheus query. */
export type FetchText = (url: string, options: { timeoutMs: number; headers?: Record<string, string>; maxBytes: number }) => Promise<string>;

/** A fetch that failed in a way worth recording (status, timeout, size, network). */
export class FetchError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "FetchError";
  }
}

/** The default FetchText: Node's fetch with a timeout, a 2xx check and a size cap. */
export const fetchText: FetchText = async (url, { timeoutMs, headers, maxBytes }) => {
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: "text/plain;version=0.0.4, application/openmetrics-text;q=0.5, application/json;q=0.5, */*;q=0.1", ...headers }, signal: AbortSignal.timeout(timeoutMs), redirect: "follow" });
  } catch (error) {
    const name = error instanceof Error ? error.name : "";
    if (name === "TimeoutError" || name === "AbortError") throw new FetchError(`no answer within ${timeoutMs} ms`, { cause: error });
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
    throw new FetchError(`${error instanceof Error ? error.message : String(error)}${cause}`, { cause: error });
  }
  if (!response.ok) {
    // The start of the body usually says why (Prometheus sends a JSON error, proxies a page).
    const snippet = (await response.text().catch(() => "")).slice(0, 200).replace(/\s+/g, " ").trim();
    throw new FetchError(`${`HTTP ${response.status} ${response.statusText}`.trim()}${snippet ? `: ${snippet}` : ""}`);
  }
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new FetchError(`response of ${declared} bytes exceeds the ${maxBytes}-byte limit`);
  }
  const reader = response.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        throw new FetchError(`response exceeds the ${maxBytes}-byte limit`);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof FetchError) throw error;
    throw new FetchError(`reading the response failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return new TextDecoder("utf-8", { fatal: false }).decode(Buffer.concat(chunks));
};
