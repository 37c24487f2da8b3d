/**
 * What each field of the origin table's `resilience` block means, for docs/configuration.md
 * (`npm run docs:config`). The defaults come from RESILIENCE_DEFAULTS and the fields from
 * resilienceSchema; a row may stand for a whole block (`rateLimit`). A field of the schema without
 * a row here stops the generator, so a new knob is documented when it is added.
 */
export const RESILIENCE_FIELDS: Readonly<Record<string, { help: string; default?: string }>> = {
  "healthCheck.timeoutMs": { help: "probe timeout in ms (1 to 60000)" },
  "healthCheck.rise": { help: "passed probes in a row that turn an unhealthy origin healthy" },
  "healthCheck.fall": { help: "failed probes in a row that turn a healthy origin unhealthy" },
  "healthCheck.staleAfterMs": { help: "a health report older than this is ignored" },
  "ejection.consecutiveFailures": { help: "failed tries in a row that eject an origin" },
  "ejection.baseMs": { help: "first ejection time; each further ejection lasts this times their count" },
  "ejection.maxMs": { help: "cap of the growing ejection time" },
  "ejection.maxShare": { help: "largest share of a pool ejected at once (one origin always may be)" },
  "ejection.successRate.windowMs": {
    help: "success-rate ejection: the window over which success rates are compared",
  },
  "ejection.successRate.minRequests": {
    help: "success-rate ejection: tries of its own an origin needs before it is judged",
  },
  "ejection.successRate.gap": {
    help: "success-rate ejection: how far below the rest of its pool's success rate an origin is ejected (0: off)",
  },
  "ejection.latency.factor": {
    help: "latency ejection: an origin above this times its pool's typical latency for `sustainMs` is ejected (0: off)",
  },
  "ejection.latency.sustainMs": { help: "latency ejection: how long the latency must stay above the factor" },
  "ejection.latency.minRequests": {
    help: "latency ejection: answers of its own an origin needs before it is judged",
  },
  "balancing.latencyTolerance": {
    help: "latencies within this ratio of each other count as equal: the weights decide",
  },
  "balancing.latencyMarginMs": {
    help: "latencies closer than this many ms also count as equal, whatever their ratio (noise, connection set-up)",
  },
  "balancing.failurePenalty": {
    help: "an origin failing a share f of its recent tries counts as if its weight were divided by 1 + this × f (0: off)",
  },
  "balancing.failureWindowMs": { help: "memory of the failure share (time constant of its decay)" },
  "balancing.warmupSamples": {
    help: "latency samples an origin's own estimate needs to weigh as much as its pool's typical latency",
  },
  panicThreshold: { help: "below this share of healthy origins, health is ignored (0 turns panic off)" },
  slowStartMs: {
    help: "ramp of a returning origin from 10 % to 100 % of its weight (0 turns slow start off)",
  },
  "retry.maxAttempts": { help: "tries per request, the first included (1 turns retries off)" },
  "retry.budgetRatio": { help: "retry budget: retries allowed as a share of requests over 10 s" },
  "retry.minPerSecond": { help: "retry budget: retries allowed per second on top of the share" },
  "retry.backoffBaseMs": { help: "base of the jittered exponential back-off between tries" },
  "retry.backoffMaxMs": { help: "cap of the back-off between tries" },
  maxInFlight: { help: "in-flight cap per origin and isolate (0: none)" },
  rateLimit: {
    default: "off",
    help: '`{ requestsPerSecond, burst, by: "ip" | "header" | "path", header, paths }`: requests past it get 429 with Retry-After. Counted by client IP, a header\'s value or the path prefix (`paths`, longest match; with `paths` only requests under one are limited). Fleet-wide through the `RATE_LIMITER` binding (its limit and period in wrangler.toml) when the Worker has one, else a token bucket per isolate refilled at `requestsPerSecond` up to `burst` ([edge.md](edge.md#fleet-wide-rate-limiting))',
  },
};
