import type { DeclaredConfig } from "../config/operator-file.ts";
import type { RedisEpochWatch } from "../../node-shared/redis-epoch.ts";
import type { DeclaredWrites } from "./apply-declared.ts";
import { applyDeclared } from "./apply-declared.ts";

/** What the watch reads, writes and reports. */
export type OperatorWatchOptions = {
  epoch: RedisEpochWatch;
  documents: DeclaredWrites;
  /** The operator file's path and what it declares; null without --slos-file. */
  declared: { file: string; config: DeclaredConfig } | null;
  now: () => number;
  log: (line: string) => void;
  /** Runs when Redis is found to have lost its data: re-installs what lived only there. */
  onLoss?: () => Promise<unknown>;
};

/**
 * One check, run at start and then every reconcile interval by the composition root (tests call
 * it directly): notices a Redis that lost its data through the epoch and says so loudly, then
 * puts back every declared SLO and event the store lacks. A failed check (Redis away) is logged
 * and the next one tries again; checks never overlap.
 */
export function operatorWatch(options: OperatorWatchOptions): { check(): Promise<void> } {
  let running = false;
  let first = true;
  const { declared, log } = options;
  return {
    async check() {
      if (running) return;
      running = true;
      try {
        const seen = await options.epoch.check();
        if (seen.state === "lost") {
          log(
            `REDIS LOST ITS DATA: epoch ${seen.previous} is gone, epoch ${seen.epoch.id} began at ${seen.epoch.startedAt}. Series, forecasts, decisions, queued jobs and every SLO or event set only through the API are gone; ${declared ? `the SLOs and events of ${declared.file} are put back` : "no --slos-file declares SLOs to put back: set them again"}. Give Redis persistence (docs/deployment.md).`,
          );
          await options.onLoss?.();
        } else if (seen.state === "started")
          log(
            `Redis had no epoch: started ${seen.epoch.id} (a first start on this Redis, or one that lost its data while no predictor ran)`,
          );
        if (!declared) return;
        const applied = await applyDeclared(options.documents, declared.config, options.now());
        if (first)
          log(
            `${declared.file} declares ${declared.config.slos.length} SLO(s) and ${declared.config.events.length} event(s); ${applied.slos.length + applied.events.length} were missing and are set`,
          );
        else if (applied.slos.length + applied.events.length > 0)
          log(
            `put back from ${declared.file}, missing from Redis: ${[...applied.slos.map((p) => `SLO ${p}`), ...applied.events.map((id) => `event ${id}`)].join(", ")}`,
          );
        first = false;
      } catch (error) {
        log(
          `checking Redis's epoch and the declared SLOs: ${error instanceof Error ? error.message : String(error)}`,
        );
      } finally {
        running = false;
      }
    },
  };
}
