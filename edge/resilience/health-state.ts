import type { HealthReport, OriginHealth } from "../../contracts/health-report.ts";

/**
 * Rise/fall thresholds for active health checks (HAProxy's `rise`/`fall`): an origin turns
 * unhealthy after `fall` failed probes in a row and healthy again after `rise` passed ones, so a
 * single blip never flips it. An origin probed for the first time starts healthy, as in HAProxy
 * (the Worker already sends it traffic), and needs `fall` failures like any other.
 */

/** The outcome of one probe. */
export type ProbeResult = { ok: boolean; status?: number; rttMs?: number; error?: string };

/** The next standing of one origin after a probe. */
export function nextOriginHealth(
  previous: OriginHealth | undefined,
  probe: ProbeResult,
  rise: number,
  fall: number,
): OriginHealth {
  const successes = probe.ok ? (previous?.consecutiveSuccesses ?? 0) + 1 : 0;
  const failures = probe.ok ? 0 : (previous?.consecutiveFailures ?? 0) + 1;
  let healthy: boolean;
  if (!previous || previous.healthy) healthy = failures < fall;
  else healthy = successes >= rise;
  const next: OriginHealth = { healthy, consecutiveFailures: failures, consecutiveSuccesses: successes };
  if (probe.status !== undefined) next.status = probe.status;
  if (probe.rttMs !== undefined) next.rttMs = Math.round(probe.rttMs * 1000) / 1000;
  if (probe.error !== undefined) next.error = probe.error.slice(0, 1000);
  return next;
}

/** The next report from the previous one and this run's probes (origins not probed drop out). */
export function nextHealthReport(
  previous: HealthReport | null,
  probes: ReadonlyMap<string, ProbeResult>,
  checkedAt: string,
  thresholds: { rise: number; fall: number },
): HealthReport {
  const origins: HealthReport["origins"] = {};
  for (const [id, probe] of probes)
    origins[id] = nextOriginHealth(previous?.origins[id], probe, thresholds.rise, thresholds.fall);
  return { checkedAt, origins };
}
