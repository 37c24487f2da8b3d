import type { OriginTable, Slo } from "../../contracts/index.ts";
import type { ScalerFile } from "../../scaler/config/config-schema.ts";
import type { OriginSpec } from "../simulator/fleet-spec.ts";
import type { StackSettings } from "./stack-options.ts";

/** Environment variable names through which the stack hands secrets to the scaler. */
export const SCALER_SECRET_ENV = {
  edgeToken: "LB_ADMIN_TOKEN",
  simulatorToken: "SIM_CONTROL_TOKEN",
} as const;

/** The predictor's targets file: every origin's /metrics, with a timeout under one step. */
export function predictorTargets(
  table: OriginTable,
  stepSeconds: number,
): { scrapeTimeoutSeconds: number; targets: { url: string; origin: string }[] } {
  return {
    scrapeTimeoutSeconds: Math.max(1, Math.min(5, stepSeconds - 1)),
    targets: table.pools.flatMap((pool) =>
      pool.origins.map((origin) => ({ url: `${origin.url.replace(/\/+$/, "")}/metrics`, origin: origin.id })),
    ),
  };
}

/**
 * The scaler's configuration for the simulated fleet: the simulator provider for every origin
 * with the origin's own per-replica capacity, replica range and boot time; weights written
 * through the Worker's admin API. Secrets are named by environment variable, never written.
 */
export function scalerConfig(
  origins: readonly OriginSpec[],
  edgeUrl: string,
  settings: Pick<StackSettings, "scalerIntervalSeconds">,
): ScalerFile {
  return {
    intervalSeconds: settings.scalerIntervalSeconds,
    overlayTtlSeconds: 300,
    staleAfterSeconds: 180,
    weights: { kind: "worker-admin", url: edgeUrl, tokenEnv: SCALER_SECRET_ENV.edgeToken },
    policy: { weightHoldSeconds: 300, maxSpill: 0.5, breachStep: 0.2, violationBudget: 0.02 },
    jobs: { attempts: 5, backoffMs: 1000, concurrency: 4 },
    defaults: {},
    origins: Object.fromEntries(
      origins.map((origin) => [
        origin.id,
        {
          rpsPerReplica: origin.capacityPerReplicaRps,
          minReplicas: origin.minReplicas,
          maxReplicas: origin.maxReplicas,
          bootSeconds: Math.ceil(origin.bootDelaySeconds),
          provider: { kind: "simulator" as const, tokenEnv: SCALER_SECRET_ENV.simulatorToken },
        },
      ]),
    ),
  };
}

/** The SLO every pool starts with: act mode and the stack's targets. */
export function seededSlos(table: OriginTable, slo: StackSettings["slo"]): Slo[] {
  return table.pools.map((pool) => ({
    pool: pool.name,
    mode: "act",
    targetUtilization: slo.targetUtilization,
    leadSeconds: slo.leadSeconds,
    scaleInCooldownSeconds: slo.scaleInCooldownSeconds,
    p95LatencyMs: slo.p95LatencyMs,
    maxErrorRate: slo.maxErrorRate,
  }));
}
