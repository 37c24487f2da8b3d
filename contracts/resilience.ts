import * as v from "valibot";
import { checkRateLimit, rateLimitSchema } from "./rate-limit.ts";
import {
  BALANCING_DEFAULTS,
  LATENCY_OUTLIER_DEFAULTS,
  SUCCESS_RATE_DEFAULTS,
  balancingSchema,
  checkOutlierSettings,
  latencyOutlierSchema,
  successRateSchema,
} from "./outlier-settings.ts";
import type { ValidationIssue } from "./validation.ts";
import { boundedInteger, boundedNumber } from "./validation.ts";

/**
 * The edge's resilience knobs: an optional, additive block of the origin table (docs/architecture.md,
 * "Origin table"), so operators tune them with the table they already version, and every isolate picks
 * a change up with the table. Every field is optional; RESILIENCE_DEFAULTS fills the gaps.
 */
export const RESILIENCE_DEFAULTS = {
  /** Active checks from the cron trigger: HAProxy's rise 2 / fall 3. */
  healthCheck: { timeoutMs: 2_000, rise: 2, fall: 3, staleAfterMs: 300_000 },
  /** Passive outlier ejection: Envoy's consecutive-5xx defaults, with a larger share for small pools. */
  ejection: {
    consecutiveFailures: 5,
    baseMs: 30_000,
    maxMs: 300_000,
    maxShare: 0.5,
    /** Beside consecutive failures (contracts/outlier-settings.ts). */
    successRate: SUCCESS_RATE_DEFAULTS,
    latency: LATENCY_OUTLIER_DEFAULTS,
  },
  /** The balancer's choice rule (contracts/outlier-settings.ts). */
  balancing: BALANCING_DEFAULTS,
  /** Below this share of healthy origins in the whole table, health is ignored (Envoy's panic mode). */
  panicThreshold: 0.25,
  /** Ramp of a returning or new origin's weight, from 10 % to 100 %; 0 turns slow start off. */
  slowStartMs: 30_000,
  /** Finagle/Linkerd retry budget (20 % of requests plus 10 retries a second over 10 s), Envoy's back-off. */
  retry: { maxAttempts: 3, budgetRatio: 0.2, minPerSecond: 10, backoffBaseMs: 25, backoffMaxMs: 250 },
  /** Requests in flight to one origin from one isolate; 0 means no cap. */
  maxInFlight: 256,
} as const;

export const resilienceSchema = v.strictObject({
  healthCheck: v.optional(
    v.strictObject({
      timeoutMs: v.optional(boundedInteger(1, 60_000)),
      rise: v.optional(boundedInteger(1, 100)),
      fall: v.optional(boundedInteger(1, 100)),
      staleAfterMs: v.optional(boundedInteger(60_000, 86_400_000)),
    }),
  ),
  ejection: v.optional(
    v.strictObject({
      consecutiveFailures: v.optional(boundedInteger(1, 1000)),
      baseMs: v.optional(boundedInteger(1, 86_400_000)),
      maxMs: v.optional(boundedInteger(1, 86_400_000)),
      maxShare: v.optional(boundedNumber(0, 1)),
      successRate: v.optional(successRateSchema),
      latency: v.optional(latencyOutlierSchema),
    }),
  ),
  balancing: v.optional(balancingSchema),
  panicThreshold: v.optional(boundedNumber(0, 1)),
  slowStartMs: v.optional(boundedInteger(0, 3_600_000)),
  retry: v.optional(
    v.strictObject({
      maxAttempts: v.optional(boundedInteger(1, 10)),
      budgetRatio: v.optional(boundedNumber(0, 10)),
      minPerSecond: v.optional(boundedNumber(0, 100_000)),
      backoffBaseMs: v.optional(boundedInteger(0, 60_000)),
      backoffMaxMs: v.optional(boundedInteger(0, 60_000)),
    }),
  ),
  maxInFlight: v.optional(boundedInteger(0, 1_000_000)),
  /** Rate limiting, off when absent (contracts/rate-limit.ts). */
  rateLimit: v.optional(rateLimitSchema),
});

export type ResilienceSettings = v.InferOutput<typeof resilienceSchema>;

/** Rules between fields of the block; `at` is the block's path in the table. */
export function checkResilience(settings: ResilienceSettings, at: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const ejection = settings.ejection;
  const base = ejection?.baseMs ?? RESILIENCE_DEFAULTS.ejection.baseMs;
  const max = ejection?.maxMs ?? RESILIENCE_DEFAULTS.ejection.maxMs;
  if (max < base)
    issues.push({
      path: `${at}.ejection.maxMs`,
      message: `must be at least the base ejection time (${base} ms)`,
    });
  issues.push(...checkOutlierSettings({ ...settings.ejection, balancing: settings.balancing }, at));
  const retry = settings.retry;
  const backoffBase = retry?.backoffBaseMs ?? RESILIENCE_DEFAULTS.retry.backoffBaseMs;
  const backoffMax = retry?.backoffMaxMs ?? RESILIENCE_DEFAULTS.retry.backoffMaxMs;
  if (backoffMax < backoffBase)
    issues.push({
      path: `${at}.retry.backoffMaxMs`,
      message: `must be at least the base back-off (${backoffBase} ms)`,
    });
  if (settings.rateLimit) issues.push(...checkRateLimit(settings.rateLimit, `${at}.rateLimit`));
  return issues;
}
