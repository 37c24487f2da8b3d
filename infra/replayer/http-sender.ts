import { Pool } from "undici";
import type { SendResult } from "./replay-stats.ts";

/** One request of the replay. */
export type OutboundRequest = { path: string; headers: Record<string, string> };

/** Sends a request and reports its outcome; never throws. */
export type Sender = (request: OutboundRequest) => Promise<SendResult>;

const TIMEOUT_CODES = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "UND_ERR_CONNECT_TIMEOUT"]);
const CONNECT_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
]);

/** True for a loopback host (127.0.0.0/8, ::1, localhost): the only targets the replayer loads. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "");
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === "::1" || host === "localhost";
}

/** Parses and checks the target URL: http(s), loopback, no query or fragment. */
export function parseTarget(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`target "${text}" is not a URL (e.g. http://127.0.0.1:8787)`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new Error(`target "${text}" must be http or https`);
  if (!isLoopbackHost(url.hostname))
    throw new Error(
      `target "${text}" is not on this machine: the replayer only sends to loopback (127.0.0.1, ::1, localhost)`,
    );
  if (url.search !== "" || url.hash !== "")
    throw new Error(`target "${text}" must have no query or fragment`);
  return url;
}

/**
 * A keep-alive HTTP sender to one target (an undici Pool of up to `connections` sockets). The
 * timeout bounds the wait for response headers and, separately, any stall of the body.
 */
export function createHttpSender(options: {
  target: string;
  connections: number;
  timeoutMs: number;
  keepAliveTimeoutMs?: number;
}): Sender & { close(): Promise<void> } {
  const target = parseTarget(options.target);
  const basePath = target.pathname.replace(/\/$/, "");
  // An idle socket must be dropped before the server drops it (wrangler dev closes idle
  // connections after 5 s), or a request can go out on a socket the server is closing.
  const pool = new Pool(target.origin, {
    connections: options.connections,
    pipelining: 1,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
  });
  const send: Sender = async (request) => {
    const started = performance.now();
    try {
      const response = await pool.request({
        method: "GET",
        path: basePath + request.path,
        headers: { "user-agent": "headroom-replayer", ...request.headers },
      });
      await response.body.dump({ limit: 1 << 20 });
      const latencyMs = performance.now() - started;
      const status = response.statusCode;
      if (status >= 500) return { ok: false, kind: "http-5xx", status, latencyMs };
      if (status >= 400) return { ok: false, kind: "http-4xx", status, latencyMs };
      return { ok: true, status, latencyMs };
    } catch (error) {
      const latencyMs = performance.now() - started;
      const code = typeof error === "object" && error !== null && "code" in error ? String(error.code) : "";
      const message = error instanceof Error ? error.message : String(error);
      if (TIMEOUT_CODES.has(code)) return { ok: false, kind: "timeout", latencyMs, message };
      if (CONNECT_CODES.has(code)) return { ok: false, kind: "connect", latencyMs, message };
      return { ok: false, kind: "other", latencyMs, message: code ? `${code}: ${message}` : message };
    }
  };
  return Object.assign(send, { close: () => pool.close() });
}
