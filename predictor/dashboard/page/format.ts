/** Formatting for the page: times in UTC (as the scaler's reasons write them), numbers with
 * their units, shown to the precision an operator reads. */

const pad = (n: number) => String(n).padStart(2, "0");

/** `12:04:05` (UTC). */
export function clockTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** `2026-01-05 12:04:05 UTC`. */
export function dateTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${clockTime(ms)} UTC`;
}

/** A number with at most `digits` decimals and thousands separators; a dash for nothing. */
export function num(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  return value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/** A value with the unit of its metric. */
export function withUnit(value: number | null | undefined, unit: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  if (unit === "ms") return `${num(value, value < 10 ? 1 : 0)} ms`;
  if (unit === "%") return `${num(value * 100, 1)} %`;
  if (unit === "") return num(value, 2);
  return `${num(value, value < 10 ? 2 : 1)} ${unit}`;
}

/** A share as a percentage: 0.734 -> `73.4 %`. */
export function percent(share: number | null | undefined, digits = 1): string {
  return share === null || share === undefined || !Number.isFinite(share)
    ? "–"
    : `${num(share * 100, digits)} %`;
}

/** A duration in seconds, in the largest sensible unit: `90 s`, `15 min`, `6 h`, `2 d`. */
export function duration(seconds: number): string {
  if (seconds < 120) return `${num(seconds, 0)} s`;
  if (seconds < 7_200) return `${num(seconds / 60, 1)} min`;
  if (seconds < 172_800) return `${num(seconds / 3_600, 1)} h`;
  return `${num(seconds / 86_400, 1)} d`;
}

/** How long ago `ms` was, from `now`: `12 s ago`, `3 min ago`. */
export function ago(ms: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - ms) / 1000));
  return `${duration(seconds)} ago`;
}
