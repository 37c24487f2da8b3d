import type { RedisEpochWatch } from "../../node-shared/redis-epoch.ts";

/**
 * Keeps the evaluation schedule through a Redis that lost its data without a restart (a FLUSHALL,
 * a failover to an empty replica): no reconnection happens, so the connection watcher never puts
 * the schedule back, and the scaler would stop evaluating. Checked every evaluation interval by
 * the composition root; a replaced epoch (docs/architecture.md, "Redis epoch") is said loudly and
 * the schedule installed again (idempotent).
 */
export function scheduleKeeper(
  epoch: RedisEpochWatch,
  installSchedule: () => Promise<void>,
  log: (level: "warn" | "error", line: string) => void,
): { check(): Promise<void> } {
  return {
    async check() {
      try {
        const seen = await epoch.check();
        if (seen.state !== "lost") return;
        log(
          "error",
          `REDIS LOST ITS DATA: epoch ${seen.previous} is gone (epoch ${seen.epoch.id} began at ${seen.epoch.startedAt}); the evaluation schedule is installed again, and the scaler's memory starts afresh`,
        );
        await installSchedule();
      } catch (error) {
        log("warn", `checking Redis's epoch: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
  };
}
