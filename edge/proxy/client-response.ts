import { ORIGIN_HEADER } from "../../contracts/admin-api.ts";
import { dropHopByHop } from "./forwarded-headers.ts";

/** The origin's answer as the client gets it: its body streamed through untouched, minus
 * hop-by-hop headers, plus `x-lb-origin` (EXPOSE_ORIGIN) and an affinity cookie when one was
 * minted. `onDone` runs once the body has been streamed (or at once when there is none). */
export function clientResponse(upstream: Response, originId: string, exposeOrigin: boolean, setCookie: string | null, onDone: (body: Promise<unknown>) => void): Response {
  const headers = new Headers(upstream.headers);
  if (upstream.status === 101 && upstream.webSocket) {
    dropHopByHop(headers, true);
    if (exposeOrigin) headers.set(ORIGIN_HEADER, originId);
    onDone(Promise.resolve());
    return new Response(null, { status: 101, webSocket: upstream.webSocket, headers });
  }
  dropHopByHop(headers, false);
  if (exposeOrigin) headers.set(ORIGIN_HEADER, originId);
  if (setCookie) headers.append("set-cookie", setCookie);
  let body: ReadableStream | null = null;
  if (upstream.body) {
    // A native identity stream: the runtime pipes the bytes, no JavaScript runs per chunk.
    const pipe = new IdentityTransformStream();
    onDone(upstream.body.pipeTo(pipe.writable));
    body = pipe.readable;
  } else onDone(Promise.resolve());
  return new Response(body, { status: upstream.status, statusText: upstream.statusText, headers });
}
