import { readBoundedText } from "../../node-shared/bounded-body.ts";

/** A fetched document: its text, its Content-Type, and whether its bytes were all UTF-8 (the
 * text has U+FFFD where they were not; Prometheus refuses such bytes in label values). */
export type FetchedText = { text: string; contentType: string; invalidUtf8: boolean };

/** Fetches a text document over HTTP(S) for a scrape or a Prometheus query. */
export type FetchText = (
  url: string,
  options: { timeoutMs: number; headers?: Record<string, string>; maxBytes: number },
) => Promise<FetchedText>;

/** A fetch that failed in a way worth recording (status, timeout, size, network). An answer that
 * was not 2xx keeps its status and the start of its body (`body`), for callers that can read it. */
export class FetchError extends Error {
  readonly status: number | undefined;
  readonly body: string | undefined;
  constructor(message: string, options?: { cause?: unknown; status?: number; body?: string }) {
    super(message, options);
    this.name = "FetchError";
    this.status = options?.status;
    this.body = options?.body;
  }
}

/** The most of an error answer's body kept (Prometheus explains a refused query in it). */
const ERROR_BODY_BYTES = 64 * 1024;

/** Redirects followed before giving up. */
const MAX_REDIRECTS = 5;

/** The default FetchText: Node's fetch with a timeout, a 2xx check and a size cap. */
export const fetchText: FetchText = async (url, { timeoutMs, headers, maxBytes }) => {
  const response = await fetchFollowing(url, headers ?? {}, AbortSignal.timeout(timeoutMs), timeoutMs);
  if (!response.ok) {
    // The body usually says why (Prometheus sends a JSON error, proxies a page).
    const body = await readBoundedText(response.body, ERROR_BODY_BYTES, () => new Error("too large")).catch(
      () => "",
    );
    const snippet = body.slice(0, 300).replace(/\s+/g, " ").trim();
    throw new FetchError(
      `${`HTTP ${response.status} ${response.statusText}`.trim()}${snippet ? `: ${snippet}` : ""}`,
      { status: response.status, body },
    );
  }
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new FetchError(`response of ${declared} bytes exceeds the ${maxBytes}-byte limit`);
  }
  const utf8 = new TextDecoder("utf-8", { fatal: true });
  const seen = { invalidUtf8: false };
  // Checks the bytes as they pass, so the size limit still applies to a body that is not UTF-8.
  async function* checked(body: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
    for await (const chunk of body) {
      if (!seen.invalidUtf8)
        try {
          utf8.decode(chunk, { stream: true });
        } catch {
          seen.invalidUtf8 = true;
        }
      yield chunk;
    }
  }
  try {
    const text = await readBoundedText(
      response.body ? checked(response.body) : null,
      maxBytes,
      () => new FetchError(`response exceeds the ${maxBytes}-byte limit`),
    );
    if (!seen.invalidUtf8)
      try {
        utf8.decode();
      } catch {
        seen.invalidUtf8 = true;
      }
    return { text, contentType: response.headers.get("content-type") ?? "", invalidUtf8: seen.invalidUtf8 };
  } catch (error) {
    if (error instanceof FetchError) throw error;
    throw new FetchError(
      `reading the response failed: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
};

/**
 * Fetches `url`, following redirects itself: fetch drops only Authorization and cookies on a
 * redirect to another origin, so a target's other credentials (an `x-api-key`, say) would follow
 * it anywhere. A target with headers of its own is followed within its origin only.
 */
async function fetchFollowing(
  url: string,
  headers: Record<string, string>,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<Response> {
  let target = new URL(url);
  for (let hop = 0; ; hop++) {
    let response: Response;
    try {
      response = await fetch(target, {
        headers: {
          accept:
            "text/plain;version=0.0.4, application/openmetrics-text;q=0.5, application/json;q=0.5, */*;q=0.1",
          ...headers,
        },
        signal,
        redirect: "manual",
      });
    } catch (error) {
      const name = error instanceof Error ? error.name : "";
      if (name === "TimeoutError" || name === "AbortError")
        throw new FetchError(`no answer within ${timeoutMs} ms`, { cause: error });
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
      throw new FetchError(`${error instanceof Error ? error.message : String(error)}${cause}`, {
        cause: error,
      });
    }
    const location = response.headers.get("location");
    if (![301, 302, 303, 307, 308].includes(response.status) || location === null) return response;
    await response.body?.cancel();
    const next = URL.parse(location, target);
    if (next === null || (next.protocol !== "http:" && next.protocol !== "https:"))
      throw new FetchError(`redirected to "${location.slice(0, 200)}", which is not an http(s) URL`);
    if (hop >= MAX_REDIRECTS)
      throw new FetchError(`more than ${MAX_REDIRECTS} redirects (the last to ${next.href})`);
    if (Object.keys(headers).length > 0 && next.origin !== target.origin)
      throw new FetchError(
        `redirected to ${next.origin}, another origin, where this target's headers are not sent: configure ${next.href} as the target`,
      );
    target = next;
  }
}
