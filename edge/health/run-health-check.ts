import type { HealthReport } from "../../contracts/health-report.ts";
import { KV_KEYS } from "../../contracts/admin-api.ts";
import type { UpstreamFetch } from "../http/request-scope.ts";
import type { ProbeResult } from "../resilience/health-state.ts";
import { nextHealthReport } from "../resilience/health-state.ts";
import type { DocumentStore } from "../state/document-store.ts";
import { forEachLimited, probe } from "./probe.ts";

const PROBE_CONCURRENCY = 6;

export type HealthCheckIo = {
  readonly store: DocumentStore;
  readonly kv: { put(key: string, value: string): Promise<void> };
  readonly fetch: UpstreamFetch;
  readonly clock: () => number;
  readonly log: (message: string) => void;
};

/**
 * The active health check (cron trigger and POST /__lb/check): probes every enabled origin's
 * health path, applies the rise/fall thresholds to the previous report, and writes the new
 * report with one KV write. Returns it, or null when no valid table is loaded.
 */
export async function runHealthCheck(io: HealthCheckIo, now: number): Promise<HealthReport | null> {
  // Fresh from KV: the previous report may come from another isolate's run.
  const documents = await io.store.current(now, true);
  const table = documents.table;
  if (!table) {
    io.log("headroom-edge: health check skipped: no valid origin table is loaded");
    return null;
  }
  const { timeoutMs, rise, fall } = table.config.healthCheck;
  const probes = new Map<string, ProbeResult>();
  const enabled = table.origins.filter((origin) => origin.enabled);
  await forEachLimited(enabled, PROBE_CONCURRENCY, async (origin) => {
    probes.set(origin.id, await probe(origin.healthUrl, timeoutMs, io.fetch, io.clock));
  });
  const ordered = new Map(
    enabled.flatMap((origin) => {
      const result = probes.get(origin.id);
      return result ? [[origin.id, result] as const] : [];
    }),
  );
  const report = nextHealthReport(documents.health, ordered, new Date(now).toISOString(), { rise, fall });
  const text = JSON.stringify(report);
  await io.kv.put(KV_KEYS.health, text);
  io.store.adopt("health", text, now);
  return report;
}
