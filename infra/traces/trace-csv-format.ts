import type { TracePoint } from "../../contracts/index.ts";

/** Formats an epoch-ms time as ISO-8601 UTC, without milliseconds when they are zero. */
export function formatTimestamp(t: number): string {
  return new Date(t).toISOString().replace(".000Z", "Z");
}

/** Writes points as `timestamp,value` CSV (with that header), which `parseTraceCsv` reads back. */
export function formatTraceCsv(points: readonly TracePoint[], valueColumn = "value"): string {
  const lines = [`timestamp,${valueColumn}`];
  for (const point of points) lines.push(`${formatTimestamp(point.t)},${point.value}`);
  return `${lines.join("\n")}\n`;
}
