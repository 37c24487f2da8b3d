// Human sentences for decisions: which forecast crossed which threshold, when, and what follows.
import type { ScheduledEvent } from "../../contracts/index.ts";

const count = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });

/** A rate as people read it: "1,840 rps" (one decimal under 10). */
export function rps(value: number): string {
  return `${value < 10 ? decimal.format(value) : count.format(value)} rps`;
}

/** A share as a percentage: "70 %". */
export function percent(share: number): string {
  return `${count.format(share * 100)} %`;
}

/** The time of day in UTC, "14:05" or with seconds "14:05:30". */
const timeOfDay = (ms: number, seconds = false): string =>
  new Date(ms).toISOString().slice(11, seconds ? 19 : 16);

/** A clock time in UTC: "14:05 UTC". */
export function clock(ms: number): string {
  return `${timeOfDay(ms)} UTC`;
}

/** A stretch of time in UTC: "14:05 to 14:35 UTC", with seconds when it lasts under two minutes
 * ("14:05:30 to 14:06:00 UTC"), so a short window never reads as an empty one. */
export function clockRange(fromMs: number, toMs: number): string {
  const seconds = toMs - fromMs < 120_000;
  return `${timeOfDay(fromMs, seconds)} to ${timeOfDay(toMs, seconds)} UTC`;
}

/** A duration: "90 s", "5 min", "2 h 30 min". */
export function duration(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return `${minutes} min`;
  const rest = minutes % 60;
  return `${Math.floor(minutes / 60)} h${rest ? ` ${rest} min` : ""}`;
}

/** "replica" or "replicas". */
export function replicas(n: number): string {
  return `${n} ${n === 1 ? "replica" : "replicas"}`;
}

/** What drove a pool's demand estimate, as the head of a reason. */
export type DemandSource =
  | { kind: "forecast" | "observed"; value: number; at: number }
  | { kind: "event"; value: number; at: number; event: ScheduledEvent };

/** "eu-west forecast 1,840 rps at 14:05 UTC", "eu-west observed 1,840 rps" or "eu-west expects
 * 3,000 rps for event launch (2026-11-27 14:00 to 16:00 UTC)". */
export function demandPhrase(pool: string, source: DemandSource): string {
  if (source.kind === "event")
    return `${pool} expects ${rps(source.value)} for event ${source.event.id} (${dateRange(Date.parse(source.event.start), Date.parse(source.event.end))})`;
  return source.kind === "forecast"
    ? `${pool} forecast ${rps(source.value)} at ${clock(source.at)}`
    : `${pool} observed ${rps(source.value)}`;
}

/** A stretch of days and times in UTC: "2026-11-27 14:00 to 16:00 UTC", or with both dates when
 * it ends on another day ("2026-11-27 22:00 to 2026-11-28 02:00 UTC"). */
export function dateRange(fromMs: number, toMs: number): string {
  const from = new Date(fromMs).toISOString();
  const to = new Date(toMs).toISOString();
  const sameDay = from.slice(0, 10) === to.slice(0, 10);
  return `${from.slice(0, 10)} ${from.slice(11, 16)} to ${sameDay ? "" : `${to.slice(0, 10)} `}${to.slice(11, 16)} UTC`;
}

/** "eu-west forecast 1,840 rps at 14:05 UTC exceeds 70 % of 2,400 rps capacity". */
export function overloadPhrase(pool: string, source: DemandSource, target: number, capacity: number): string {
  return `${demandPhrase(pool, source)} exceeds ${percent(target)} of ${rps(capacity)} capacity`;
}
