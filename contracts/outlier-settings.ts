import * as v from "valibot";
import type { ValidationIssue } from "./validation.ts";
import { boundedInteger, boundedNumber } from "./validation.ts";

/**
 * Knobs of the balancer's choice rule and of the outlier checks beside consecutive failures:
 * parts of the table's `resilience` block (contracts/resilience.ts). The defaults are chosen to
 * work for a pool of two origins as well as for fifty: each check compares an origin with the
 * rest of its own pool, and needs a minimum number of its own tries before it may judge.
 */
export const BALANCING_DEFAULTS = {
  /** Latencies within this ratio of each other count as equal: the weights decide. */
  latencyTolerance: 2,
  /** ...and latencies closer than this many ms too: a difference of a few ms is noise or connection
   * set-up on any path (loopback alike), never a reason to overrule the weights. */
  latencyMarginMs: 10,
  /** An origin failing a share f of its recent tries is taken as if its weight were divided by
   * 1 + failurePenalty x f (0 turns the penalty off). */
  failurePenalty: 10,
  /** Memory of the failure share (time constant of its decay). */
  failureWindowMs: 60_000,
  /** Latency samples an origin's own estimate needs to weigh as much as its pool's typical latency. */
  warmupSamples: 1,
} as const;

/** Success-rate ejection: an origin whose success rate over the window is more than `gap` below
 * the rest of its pool's, with at least `minRequests` tries of its own (and the rest as many), is
 * ejected; `gap` 0 or `minRequests` 0 turns it off. */
export const SUCCESS_RATE_DEFAULTS = { windowMs: 30_000, minRequests: 20, gap: 0.2 } as const;

/** Latency outlier ejection: an origin whose latency stays above `factor` x its pool's typical
 * latency for `sustainMs`, over at least `minRequests` answers, is ejected (factor 0 turns it off). */
export const LATENCY_OUTLIER_DEFAULTS = { factor: 5, sustainMs: 30_000, minRequests: 5 } as const;

export const balancingSchema = v.strictObject({
  latencyTolerance: v.optional(boundedNumber(1, 100)),
  latencyMarginMs: v.optional(boundedNumber(0, 60_000)),
  failurePenalty: v.optional(boundedNumber(0, 1_000)),
  failureWindowMs: v.optional(boundedInteger(1_000, 3_600_000)),
  warmupSamples: v.optional(boundedInteger(0, 1_000)),
});

export const successRateSchema = v.strictObject({
  windowMs: v.optional(boundedInteger(1_000, 3_600_000)),
  minRequests: v.optional(boundedInteger(0, 1_000_000)),
  gap: v.optional(boundedNumber(0, 1)),
});

export const latencyOutlierSchema = v.strictObject({
  factor: v.optional(
    v.union([v.literal(0), boundedNumber(1.5, 1_000)], "must be 0 (off) or from 1.5 to 1000"),
  ),
  sustainMs: v.optional(boundedInteger(0, 3_600_000)),
  minRequests: v.optional(boundedInteger(1, 1_000_000)),
});

export type BalancingSettings = v.InferOutput<typeof balancingSchema>;
export type SuccessRateSettings = v.InferOutput<typeof successRateSchema>;
export type LatencyOutlierSettings = v.InferOutput<typeof latencyOutlierSchema>;

export type BalancingConfig = { -readonly [K in keyof typeof BALANCING_DEFAULTS]: number };
export type SuccessRateConfig = { -readonly [K in keyof typeof SUCCESS_RATE_DEFAULTS]: number };
export type LatencyOutlierConfig = { -readonly [K in keyof typeof LATENCY_OUTLIER_DEFAULTS]: number };

/** The settings with every default filled in. */
export function resolveOutlierSettings(settings: {
  balancing?: BalancingSettings | undefined;
  successRate?: SuccessRateSettings | undefined;
  latency?: LatencyOutlierSettings | undefined;
}): { balancing: BalancingConfig; successRate: SuccessRateConfig; latency: LatencyOutlierConfig } {
  return {
    balancing: { ...BALANCING_DEFAULTS, ...settings.balancing },
    successRate: { ...SUCCESS_RATE_DEFAULTS, ...settings.successRate },
    latency: { ...LATENCY_OUTLIER_DEFAULTS, ...settings.latency },
  };
}

/** Rules between these fields; `at` is the resilience block's path in the table. */
export function checkOutlierSettings(
  settings: { latency?: LatencyOutlierSettings | undefined; balancing?: BalancingSettings | undefined },
  at: string,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const factor = settings.latency?.factor ?? LATENCY_OUTLIER_DEFAULTS.factor;
  const tolerance = settings.balancing?.latencyTolerance ?? BALANCING_DEFAULTS.latencyTolerance;
  if (factor !== 0 && factor <= tolerance)
    issues.push({
      path: `${at}.ejection.latency.factor`,
      message: `must be above balancing.latencyTolerance (${tolerance}): latencies within the tolerance count as equal, so they cannot make an outlier (0 turns latency ejection off)`,
    });
  return issues;
}
