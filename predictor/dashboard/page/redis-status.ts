import type { RedisEpoch } from "../../../contracts/index.ts";
import { duration } from "./format.ts";

/** How long after a loss the header keeps saying so (the alert pages for the first six hours). */
export const DATA_LOSS_SHOWN_SECONDS = 24 * 3600;

/** The header's Redis chip: shown only after Redis lost its data, saying when and what it means;
 * null otherwise. Charts that begin at the loss look like a new deployment without it. */
export function redisStatus(
  epoch: RedisEpoch | null,
  now: number,
): { text: string; tone: "bad"; title: string } | null {
  if (!epoch?.lost) return null;
  const age = Math.max(0, (now - Date.parse(epoch.lost.detectedAt)) / 1000);
  if (age > DATA_LOSS_SHOWN_SECONDS) return null;
  return {
    text: `Redis lost its data ${duration(age)} ago`,
    tone: "bad",
    title: `Redis lost everything it held (noticed ${epoch.lost.detectedAt}): series and forecasts start again from then, decisions before it are gone, and SLOs or events set only here were lost (those in the predictor's --slos-file are put back). Give Redis persistence.`,
  };
}
