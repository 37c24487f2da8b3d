import type { OriginTable } from "../../contracts/origin-table.ts";
import type {
  BalancingConfig,
  LatencyOutlierConfig,
  SuccessRateConfig,
} from "../../contracts/outlier-settings.ts";
import { resolveOutlierSettings } from "../../contracts/outlier-settings.ts";
import { RESILIENCE_DEFAULTS } from "../../contracts/resilience.ts";

/** The resilience knobs with every default filled in (see RESILIENCE_DEFAULTS and docs/resilience.md). */
export type ResilienceConfig = {
  healthCheck: { timeoutMs: number; rise: number; fall: number; staleAfterMs: number };
  ejection: {
    consecutiveFailures: number;
    baseMs: number;
    maxMs: number;
    maxShare: number;
    successRate: SuccessRateConfig;
    latency: LatencyOutlierConfig;
  };
  balancing: BalancingConfig;
  panicThreshold: number;
  slowStartMs: number;
  retry: {
    maxAttempts: number;
    budgetRatio: number;
    minPerSecond: number;
    backoffBaseMs: number;
    backoffMaxMs: number;
  };
  maxInFlight: number;
  rateLimit: {
    requestsPerSecond: number;
    burst: number;
    by: "ip" | "header" | "path";
    header: string;
    /** Path prefixes, longest first (empty: every path). */
    paths: readonly string[];
  } | null;
};

/** Resolves a table's optional `resilience` block against the defaults. */
export function resolveResilience(settings: OriginTable["resilience"]): ResilienceConfig {
  const d = RESILIENCE_DEFAULTS;
  const rate = settings?.rateLimit;
  const outliers = resolveOutlierSettings({
    balancing: settings?.balancing,
    successRate: settings?.ejection?.successRate,
    latency: settings?.ejection?.latency,
  });
  return {
    healthCheck: { ...d.healthCheck, ...settings?.healthCheck },
    ejection: {
      ...d.ejection,
      ...settings?.ejection,
      successRate: outliers.successRate,
      latency: outliers.latency,
    },
    balancing: outliers.balancing,
    panicThreshold: settings?.panicThreshold ?? d.panicThreshold,
    slowStartMs: settings?.slowStartMs ?? d.slowStartMs,
    retry: { ...d.retry, ...settings?.retry },
    maxInFlight: settings?.maxInFlight ?? d.maxInFlight,
    rateLimit: rate
      ? {
          requestsPerSecond: rate.requestsPerSecond,
          burst: rate.burst,
          by: rate.by ?? "ip",
          header: rate.header ?? "",
          paths: [...(rate.paths ?? [])].sort((a, b) => b.length - a.length),
        }
      : null,
  };
}
