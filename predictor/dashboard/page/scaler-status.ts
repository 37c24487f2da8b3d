import type { ScalerHeartbeat } from "../../../contracts/index.ts";
import { SCALER_SILENT_AFTER_INTERVALS } from "../../../contracts/index.ts";
import { duration } from "./format.ts";

/** The header's scaler chip: whether the scaler is evaluating, from its last heartbeat. A quiet
 * scaler records no decision for hours; a stopped one looks the same on the charts. */
export function scalerStatus(
  heartbeat: ScalerHeartbeat | null,
  now: number,
): { text: string; tone: "ok" | "busy" | "bad"; title: string } {
  if (!heartbeat)
    return {
      text: "Scaler · not seen",
      tone: "busy",
      title:
        "No scaler has completed an evaluation on this Redis: SLOs are recorded but nothing acts on them.",
    };
  const age = Math.max(0, (now - Date.parse(heartbeat.at)) / 1000);
  const every = duration(heartbeat.intervalSeconds);
  if (age > SCALER_SILENT_AFTER_INTERVALS * heartbeat.intervalSeconds + 10) {
    return {
      text: `Scaler · silent for ${duration(age)}`,
      tone: "bad",
      title: `The scaler evaluates every ${every} but last did ${duration(age)} ago: check that a scaler process runs and reaches Redis.`,
    };
  }
  return {
    text: `Scaler · evaluated ${duration(age)} ago`,
    tone: "ok",
    title: `The scaler evaluates every ${every}.`,
  };
}
