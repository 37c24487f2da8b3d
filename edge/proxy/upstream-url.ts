/**
 * The upstream URL of a try: the origin's base (scheme, host, port and base path, from the table)
 * followed by the client's path and query. The client's Host, an absolute-form request target or
 * a `//host` path cannot change where it goes: the base always supplies the authority, and the
 * path, taken from a parsed URL, starts with "/" and holds no dot segments, so it stays under the
 * base path.
 */
export function upstreamUrl(base: string, url: URL): string {
  return base + url.pathname + url.search;
}
