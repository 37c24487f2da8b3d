import { formatTimestamp } from "../traces/trace-csv-format.ts";
import type { ReplayProgress } from "./replayer.ts";
import { FAILURE_KINDS } from "./replay-stats.ts";

function clock(ms: number): string {
  const s = Math.floor(ms / 1000);
  const pad = (n: number): string => String(n).padStart(2, "0");
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
}

function failureList(failures: ReplayProgress["failures"]): string {
  const parts = FAILURE_KINDS.filter((kind) => failures[kind] > 0).map((kind) => `${kind} ${failures[kind]}`);
  return parts.length > 0 ? ` (${parts.join(", ")})` : "";
}

/** One live line: replay clock, trace time, target and achieved rate, counters, latency. */
export function formatProgressLine(progress: ReplayProgress, intervalSeconds: number): string {
  const trace = Number.isNaN(progress.traceTime)
    ? "-"
    : formatTimestamp(progress.traceTime).slice(0, 16).replace("T", " ");
  const rate = (progress.interval.sent / Math.max(intervalSeconds, 1e-9)).toFixed(0);
  const l = progress.interval.latency;
  return `replay ${clock(progress.elapsedMs)} | trace ${trace} | target ${progress.targetRps.toFixed(0)} rps, sent ${rate}/s | total sent ${progress.sent} ok ${progress.ok} failed ${progress.failed}${failureList(progress.failures)} | p50 ${l.p50} ms p95 ${l.p95} ms p99 ${l.p99} ms | in flight ${progress.inFlight}`;
}

/** The final summary, a few lines of text. */
export function formatSummary(progress: ReplayProgress, byCity: ReadonlyMap<string, number>): string {
  const seconds = progress.elapsedMs / 1000;
  const l = progress.latency;
  const cities = [...byCity.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([city, count]) => `${city} ${((100 * count) / Math.max(1, progress.sent)).toFixed(1)} %`);
  return [
    `replay finished after ${seconds.toFixed(1)} s: sent ${progress.sent} (${(progress.sent / Math.max(seconds, 1e-9)).toFixed(1)}/s), ok ${progress.ok}, failed ${progress.failed}${failureList(progress.failures)}`,
    `latency p50 ${l.p50} ms, p95 ${l.p95} ms, p99 ${l.p99} ms, max ${l.max} ms`,
    `top client cities: ${cities.join(", ")}`,
  ].join("\n");
}
