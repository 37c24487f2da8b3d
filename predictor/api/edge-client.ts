import { readBoundedText } from "../../node-shared/bounded-body.ts";
import { BadGateway, GatewayTimeout } from "../../node-shared/http-error.ts";

/** The Worker admin documents the dashboard shows. */
export type EdgeDocument = "status" | "table";

/** Reads the Worker's admin API on the dashboard's behalf. */
export type EdgeClient = { read(document: EdgeDocument): Promise<unknown> };

export type EdgeClientOptions = {
  /** The Worker's base URL, without a trailing slash. */
  url: string;
  /** The Worker's ADMIN_TOKEN: sent only to `url`, never logged, never returned. */
  token: string;
  fetch?: typeof fetch;
  now: () => number;
  timeoutMs?: number;
  maxBytes?: number;
  /** Answers are reused this long, so many open dashboards make one request to the Worker. */
  cacheMs?: number;
};

/**
 * A client of the Worker's `GET /__lb/status` and `GET /__lb/table`, used server-side so the
 * Worker's admin token stays in the predictor. Concurrent reads of a document share one request
 * and its answer is reused for `cacheMs`. Every failure becomes an HttpError that says what went
 * wrong without the token: 502 (refused, unreachable, not JSON), 504 (no answer in time).
 */
export function edgeClient(options: EdgeClientOptions): EdgeClient {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const maxBytes = options.maxBytes ?? 8 * 1024 * 1024;
  const cacheMs = options.cacheMs ?? 1_000;
  const cache = new Map<EdgeDocument, { at: number; value: Promise<unknown> }>();

  async function load(document: EdgeDocument): Promise<unknown> {
    const url = `${options.url}/__lb/${document}`;
    let response: Response;
    try {
      response = await doFetch(url, {
        headers: { authorization: `Bearer ${options.token}`, accept: "application/json" },
        redirect: "error",
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError"))
        throw new GatewayTimeout(
          `the edge did not answer GET /__lb/${document} within ${timeoutMs} ms (${options.url})`,
        );
      throw new BadGateway(`cannot reach the edge at ${options.url}: ${describeFetchError(error)}`);
    }
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      throw new BadGateway(
        `the edge refused the predictor's token (${response.status}): PREDICTOR_EDGE_TOKEN must be the Worker's ADMIN_TOKEN`,
      );
    }
    if (response.status === 404) {
      await response.body?.cancel();
      throw new BadGateway(
        `the edge answered 404 for /__lb/${document}: is ADMIN_TOKEN set on the Worker at ${options.url}?`,
      );
    }
    const text = await readLimited(response, maxBytes, document);
    if (!response.ok)
      throw new BadGateway(
        `the edge answered ${response.status} for /__lb/${document}: ${text.slice(0, 200)}`,
      );
    let value: unknown;
    try {
      value = JSON.parse(text) as unknown;
    } catch {
      throw new BadGateway(`the edge's /__lb/${document} is not JSON: ${text.slice(0, 120)}`);
    }
    if (typeof value !== "object" || value === null || Array.isArray(value))
      throw new BadGateway(`the edge's /__lb/${document} is not a JSON object`);
    return value;
  }

  return {
    read(document) {
      const now = options.now();
      const cached = cache.get(document);
      if (cached && now - cached.at < cacheMs) return cached.value;
      const value = load(document);
      cache.set(document, { at: now, value });
      // A failure is not kept: the next read tries again.
      value.catch(() => {
        if (cache.get(document)?.value === value) cache.delete(document);
      });
      return value;
    },
  };
}

function readLimited(response: Response, maxBytes: number, document: EdgeDocument): Promise<string> {
  return readBoundedText(
    response.body,
    maxBytes,
    () => new BadGateway(`the edge's /__lb/${document} is larger than ${maxBytes} bytes`),
  );
}

function describeFetchError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause;
  if (cause instanceof Error)
    return "code" in cause && typeof cause.code === "string" ? cause.code : cause.message;
  return error.message;
}
