import { ORIGIN_HEADER } from "../../contracts/admin-api.ts";
import { dropHopByHop } from "./forwarded-headers.ts";

/** Answers with a known length up to this size leave the origin as soon as their headers do (a
 * socket buffer holds them), so they stop counting as in flight at once, with no stream to
 * watch; longer or unsized answers count until they have been streamed to the client. */
export const SMALL_BODY_BYTES = 64 * 1024;

/** How the caller learns that the origin is done with the answer. */
export type Completion = {
  /** Called once the answer's body has left the origin. */
  release: () => void;
  /** Keeps the invocation alive while a body streams (ctx.waitUntil). */
  waitUntil: (promise: Promise<unknown>) => void;
};

/** True when the answer's body is known to be small (its Content-Length says so). */
function isSmallBody(headers: Headers): boolean {
  const length = headers.get("content-length");
  if (length === null || length.length > 7 || !/^\d+$/.test(length)) return false;
  return Number(length) <= SMALL_BODY_BYTES;
}

/** True when the answer carries a hop-by-hop header the runtime would pass on. The runtime's
 * HTTP server owns Connection, Keep-Alive, TE, Trailer, Transfer-Encoding and Upgrade and never
 * forwards them (workerd's and Cloudflare's alike); names that Connection lists, and the
 * Proxy-* headers, are the edge's to remove. */
function carriesHopByHop(headers: Headers): boolean {
  const connection = headers.get("connection");
  if (connection !== null && !/^[\t ]*(?:keep-alive|close)[\t ]*$/i.test(connection)) return true;
  return headers.has("proxy-authenticate") || headers.has("proxy-connection");
}

/** The origin's answer as the client gets it: its body streamed through untouched, minus
 * hop-by-hop headers, plus `x-lb-origin` (EXPOSE_ORIGIN) and an affinity cookie when one was
 * minted. `done.release` runs once the body has left the origin. */
export function clientResponse(
  upstream: Response,
  originId: string,
  exposeOrigin: boolean,
  setCookie: string | null,
  done: Completion,
): Response {
  const small = upstream.body === null || isSmallBody(upstream.headers);
  if (
    small &&
    upstream.status !== 101 &&
    !exposeOrigin &&
    setCookie === null &&
    !carriesHopByHop(upstream.headers)
  ) {
    // Nothing to change and nothing to watch: the origin's answer goes out as it came, without
    // a copy (the common case in production).
    done.release();
    return upstream;
  }
  const headers = new Headers(upstream.headers);
  if (upstream.status === 101 && upstream.webSocket) {
    dropHopByHop(headers, true);
    if (exposeOrigin) headers.set(ORIGIN_HEADER, originId);
    done.release();
    return new Response(null, { status: 101, webSocket: upstream.webSocket, headers });
  }
  dropHopByHop(headers, false);
  if (exposeOrigin) headers.set(ORIGIN_HEADER, originId);
  if (setCookie) headers.append("set-cookie", setCookie);
  let body: ReadableStream | null = upstream.body;
  if (small || body === null) done.release();
  else {
    // A native identity stream: the runtime pipes the bytes, no JavaScript runs per chunk; the
    // pipe's end is when the origin is done.
    const pipe = new IdentityTransformStream();
    done.waitUntil(body.pipeTo(pipe.writable).then(done.release, done.release));
    body = pipe.readable;
  }
  return new Response(body, { status: upstream.status, statusText: upstream.statusText, headers });
}
