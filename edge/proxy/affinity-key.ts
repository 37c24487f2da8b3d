import { hashString } from "../balancing/rendezvous.ts";
import type { AffinityConfig } from "../routing/compiled-table.ts";

/** A client's affinity key hash, and the cookie to set when the edge had to mint the key. */
export type AffinityKey = { hash: number; setCookie: string | null };

/** The value of cookie `name` in a Cookie header, or null. */
export function readCookie(header: string | null, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      return value === "" ? null : value;
    }
  }
  return null;
}

/** The client's affinity key: a cookie (minted and set when missing), a header, or the IP.
 * Null when the client offers none (it is then balanced like any request). */
export function affinityKey(
  headers: Headers,
  affinity: AffinityConfig,
  clientIp: string | null,
  secure: boolean,
  randomHex: (bytes: number) => string,
): AffinityKey | null {
  if (affinity.by === "ip") return clientIp ? { hash: hashString(clientIp), setCookie: null } : null;
  if (affinity.by === "header") {
    const value = headers.get(affinity.name);
    return value ? { hash: hashString(value), setCookie: null } : null;
  }
  const existing = readCookie(headers.get("cookie"), affinity.name);
  if (existing) return { hash: hashString(existing), setCookie: null };
  const minted = randomHex(16);
  const cookie = `${affinity.name}=${minted}; Path=/; Max-Age=${affinity.ttlSeconds}; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
  return { hash: hashString(minted), setCookie: cookie };
}
