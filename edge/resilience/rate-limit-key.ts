import type { ResilienceConfig } from "./settings.ts";

/** The table's rate limit with its defaults filled in. */
export type RateLimitConfig = NonNullable<ResilienceConfig["rateLimit"]>;

/**
 * The key a request is counted under, or null when the limit does not apply to it (a path under
 * none of `paths`, no client IP, no such header). The key names what it counts by, so an IP
 * and a header value that happen to be equal never share a budget; with `paths`, each prefix
 * (the longest that matches) has a budget of its own. Pure: the same key for the binding and
 * the isolate's token bucket.
 */
export function rateLimitKey(
  limit: RateLimitConfig,
  pathname: string,
  clientIp: string | null,
  header: (name: string) => string | null,
): string | null {
  let prefix = "";
  if (limit.paths.length > 0) {
    const found = limit.paths.find((candidate) => pathname.startsWith(candidate));
    if (found === undefined) return null;
    prefix = found;
  }
  if (limit.by === "path") return `path ${prefix}`;
  if (limit.by === "header") {
    const value = header(limit.header);
    return value === null ? null : `header ${limit.header.toLowerCase()}=${value} ${prefix}`;
  }
  return clientIp === null ? null : `ip ${clientIp} ${prefix}`;
}
