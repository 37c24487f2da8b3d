import type { RunningStack, StackPart } from "./start-stack.ts";
import { CLI_SETTINGS } from "./cli-settings.ts";

const PART_WIDTH = 9;

/** One start-up line: `  edge      ready in 2.9 s  the Worker (edge/ as of now) in workerd ... on ...`. */
export function readyLine(part: StackPart, detail: string, elapsedMs: number): string {
  return `  ${part.padEnd(PART_WIDTH)} ready in ${(elapsedMs / 1000).toFixed(1).padStart(4)} s  ${detail}`;
}

/** A part's own log line, prefixed with the part: `predictor | ...`. */
export function partLine(part: string, line: string): string {
  return `${part.padEnd(PART_WIDTH)} | ${line}`;
}

/** wrangler's notice that cron triggers do not fire locally: the stack runs the health checks
 * itself, so the notice (and the curl command it suggests) would only mislead. */
const WRANGLER_CRON_NOTICE =
  /Scheduled Workers are not automatically triggered|To manually trigger a scheduled event|cdn-cgi\/handler\/scheduled|#test-cron-triggers-locally/;

/** A training's first lines ("started", "0% seasonal-naive: training"): its outcome line follows
 * within a second for the classical models, and later progress lines show a long one going. */
const TRAINING_OPENING = /^training \S+: (started|0% .*)$/;

/** False for log lines that carry nothing for the user. */
export function isWorthShowing(part: string, line: string): boolean {
  if (part === "edge") return !WRANGLER_CRON_NOTICE.test(line);
  if (part === "predictor") return !TRAINING_OPENING.test(line);
  return true;
}

/** Lines worth showing with --quiet: scaling decisions, wrangler's output, failures and
 * trainings. */
export function isNotable(part: string, line: string): boolean {
  if (part === "scaler") return !/^scaler info: evaluating every/.test(line);
  // wrangler logs at "warn": everything it says matters, and an error spans several lines.
  if (part === "edge" || part === "stack") return true;
  return /\b(error|failed|warn|serving|trained)\b/i.test(line);
}

/** What to open once the stack runs. */
export function urlLines(stack: RunningStack): string[] {
  const geo = "x-lb-geo: 48.86,2.35,FR";
  return [
    "",
    "Open:",
    `  dashboard     ${stack.urls.dashboard}   forecasts with their 80 % band, SLO lines, capacity, scaling decisions`,
    `  Worker        ${stack.urls.edge}/   e.g. curl -i -H '${geo}' ${stack.urls.edge}/hello`,
    `  Worker view   ${stack.urls.edgeStatus}   with -H 'authorization: Bearer <admin token>'`,
    `  API           ${stack.urls.api}   series, forecasts, slos, decisions (Prometheus metrics on /metrics)`,
    `  scaler        ${stack.urls.scaler}   its Prometheus metrics (and /healthz)`,
    `  admin token   ${stack.adminToken}   for SLOs and scheduled events on the dashboard (PUT /api/slos/:pool, /api/events/:id) and the Worker's /__lb/*`,
    "",
    `Models train on the written history now; forecasts follow within a minute or two, and the first scaling decisions within a few minutes. Ctrl-C stops everything.`,
    "",
  ];
}

/** The usage text of `npm start`, built from the settings table. */
export function usage(): string {
  const rows = CLI_SETTINGS.map((s) => [
    `--${s.flag}${s.meta ? ` ${s.meta}` : ""}`,
    s.env,
    s.default,
    s.help,
  ]);
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => (row[column] ?? "").length)));
  return [
    "Usage: npm start -- [options]",
    "",
    "Runs the whole product locally: Redis, a simulated origin fleet, the Worker in workerd (Miniflare;",
    "--edge-runtime wrangler-dev runs it under wrangler dev), the predictor and its dashboard, the scaler",
    "in act mode, and time-compressed demo traffic.",
    "Every option can also be set by its environment variable; flags win. Durations: 5s, 2m, 2h.",
    "",
    ...rows.map(
      (row) => `  ${row.map((cell, i) => (i < 3 ? cell.padEnd(widths[i] ?? 0) : cell)).join("  ")}`,
    ),
    "",
  ].join("\n");
}
