/** The Workers Rate Limiting binding as the Worker uses it: `limit({ key })` → `{ success }`. */
export type RateLimitBinding = { limit(options: { key: string }): Promise<{ success: boolean }> };

/** A fleet-wide limiter: true when `key` may pass, false when it is over the limit, null when the
 * binding could not answer (the caller then falls back to the isolate's token bucket). */
export type FleetRateLimiter = (key: string) => Promise<boolean | null>;

/** Seconds a client refused by the binding is told to wait: the binding does not say when its
 * window ends, and 10 s is its shorter period (a 60 s window may refuse a retry once more). */
export const BINDING_RETRY_AFTER_SECONDS = 10;

/**
 * Wraps the RATE_LIMITER binding, or answers null when there is none (the token bucket then
 * applies). A binding that throws never fails a request: the isolate's bucket decides instead,
 * and the first such failure is logged (later ones would flood the log at request rate).
 */
export function fleetRateLimiter(
  binding: RateLimitBinding | undefined,
  log: (message: string) => void,
): FleetRateLimiter | null {
  if (!binding) return null;
  let logged = false;
  return async (key) => {
    try {
      return (await binding.limit({ key })).success;
    } catch (error) {
      if (!logged) {
        logged = true;
        log(
          `headroom-edge: the RATE_LIMITER binding failed (${error instanceof Error ? error.message : String(error)}); the isolate's token bucket applies meanwhile`,
        );
      }
      return null;
    }
  };
}
