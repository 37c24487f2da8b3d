import { TooManyRequests } from "../http/errors.ts";
import type { RequestScope } from "../http/request-scope.ts";
import { BINDING_RETRY_AFTER_SECONDS } from "../resilience/fleet-rate-limiter.ts";
import type { RateLimitConfig } from "../resilience/rate-limit-key.ts";
import { rateLimitKey } from "../resilience/rate-limit-key.ts";

/**
 * Refuses a request over the table's rate limit with 429 and Retry-After. The RATE_LIMITER
 * binding counts across the fleet when the Worker has one; without it (or while it fails) the
 * isolate's token bucket counts, which on Cloudflare is one budget per isolate.
 */
export async function enforceRateLimit(
  limit: RateLimitConfig,
  request: Request,
  pathname: string,
  clientIp: string | null,
  scope: RequestScope,
): Promise<void> {
  const key = rateLimitKey(limit, pathname, clientIp, (name) => request.headers.get(name));
  if (key === null) return;
  const fleet = scope.rateLimiter ? await scope.rateLimiter(key) : null;
  if (fleet === true) return;
  let retryAfter = BINDING_RETRY_AFTER_SECONDS;
  if (fleet === null) {
    const verdict = scope.state.rateLimits.take(key, scope.now, limit.requestsPerSecond, limit.burst);
    if (verdict.allowed) return;
    retryAfter = Math.max(1, Math.ceil(verdict.retryAfterMs / 1000));
  }
  scope.state.metrics.reject("rate_limited");
  throw new TooManyRequests(
    fleet === false
      ? "rate limit exceeded: this client is over the fleet-wide limit of the RATE_LIMITER binding"
      : `rate limit exceeded: at most ${limit.requestsPerSecond} requests a second (burst ${limit.burst}) per client`,
    retryAfter,
  );
}
