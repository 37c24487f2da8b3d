import { GEO_HEADER } from "../../contracts/admin-api.ts";
import { TEST_NOW_HEADER, TEST_SEED_HEADER } from "../http/test-hooks.ts";

/** Hop-by-hop headers (RFC 9110 7.6.1), never forwarded in either direction. */
const HOP_BY_HOP = [
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
];
/** Headers meant for the edge alone. */
const EDGE_ONLY = [GEO_HEADER, TEST_NOW_HEADER, TEST_SEED_HEADER, "cf-connecting-ip", "host"];

/** Removes hop-by-hop headers, including those the Connection header names. (A lookup is a
 * cheaper call into the runtime than a removal, and most of these are absent.) */
export function dropHopByHop(headers: Headers, keepUpgrade: boolean): void {
  const listed = headers.get("connection");
  if (listed)
    for (const name of listed.split(",")) {
      const trimmed = name.trim().toLowerCase();
      if (trimmed && !(keepUpgrade && trimmed === "upgrade") && isHeaderName(trimmed))
        headers.delete(trimmed);
    }
  for (const name of HOP_BY_HOP)
    if (!(keepUpgrade && (name === "upgrade" || name === "connection")) && headers.has(name))
      headers.delete(name);
}

/** A syntactically valid header name (RFC 9110 token): a Connection list may hold junk. */
function isHeaderName(name: string): boolean {
  return /^[!#$%&'*+\-.^_`|~0-9a-z]+$/.test(name);
}

export type ForwardingFacts = {
  /** The client's address, as Cloudflare reports it; null when unknown. */
  clientIp: string | null;
  /** The URL the client asked for. */
  url: URL;
  traceparent: string;
  /** A WebSocket upgrade keeps its Upgrade/Connection headers. */
  websocket: boolean;
};

/** Rewrites, in place, a copy of the client's headers into those sent upstream: minus hop-by-hop
 * and edge-only ones, plus x-forwarded-for/-proto/-host and traceparent. */
export function rewriteUpstreamHeaders(headers: Headers, facts: ForwardingFacts): void {
  const chain = headers.get("x-forwarded-for");
  dropHopByHop(headers, facts.websocket);
  for (const name of EDGE_ONLY) if (headers.has(name)) headers.delete(name);
  if (facts.websocket) {
    headers.set("upgrade", "websocket");
    headers.set("connection", "Upgrade");
  }
  if (facts.clientIp) headers.set("x-forwarded-for", chain ? `${chain}, ${facts.clientIp}` : facts.clientIp);
  headers.set("x-forwarded-proto", facts.url.protocol === "https:" ? "https" : "http");
  headers.set("x-forwarded-host", facts.url.host);
  headers.set("traceparent", facts.traceparent);
}

/** The headers sent upstream, as a new object (the client's are left alone). */
export function upstreamHeaders(incoming: Headers, facts: ForwardingFacts): Headers {
  const headers = new Headers(incoming);
  rewriteUpstreamHeaders(headers, facts);
  return headers;
}

/** True for a WebSocket upgrade request. */
export function isWebSocketUpgrade(headers: Headers): boolean {
  return headers.get("upgrade")?.toLowerCase() === "websocket";
}
