/**
 * `npm run -s backtest -- --csv FILE [--column NAME] [--horizon STEPS] [--json]`: rolling-origin
 * backtest of every model on a `timestamp,value` CSV. With --json, prints exactly one JSON object
 * `{ points, stepSeconds, horizon, models: { <kind>: { mase, smape, mae } }, best, trainSeconds }`.
 * Bad input exits 2 with a message naming the line.
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import {
  detectStepSeconds,
  MODEL_KINDS,
  parseTraceCsv,
  resampleToStep,
  seededRng,
  TraceCsvError,
} from "../../contracts/index.ts";
import type { ModelKind } from "../../contracts/index.ts";
import { progressReporter } from "../jobs/training-progress.ts";
import { trainForecasters } from "../models/index.ts";
import { observedCount } from "../models/series-ops.ts";
import { BACKTEST_OPTIONS, backtestHelpRows } from "./backtest-options.ts";
import { backtestReport, formatReportTable } from "./backtest-report.ts";
import { niceStepSeconds } from "./nice-step.ts";

const USAGE =
  "usage: npm run -s backtest -- --csv FILE [--column NAME] [--horizon STEPS] [--models KIND,...] [--json]";

function fail(message: string): never {
  process.stderr.write(`backtest: ${message}\n`);
  process.exit(2);
}

let args;
try {
  args = parseArgs({
    options: BACKTEST_OPTIONS,
    strict: true,
    allowPositionals: false,
  }).values;
} catch (error) {
  fail(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
}
if (args.help) {
  process.stdout.write(
    `${[USAGE, ...backtestHelpRows().map(([f, m]) => `  ${f.padEnd(18)} ${m}`)].join("\n")}\n`,
  );
  process.exit(0);
}
if (args.csv === undefined) fail(`--csv FILE is required\n${USAGE}`);
const file = args.csv;
let horizonArg: number | null = null;
if (args.horizon !== undefined) {
  horizonArg = Number(args.horizon);
  if (!/^\d+$/.test(args.horizon) || horizonArg < 1)
    fail(`--horizon must be a whole number of steps >= 1, got "${args.horizon}"`);
}
let kinds: ModelKind[] | undefined;
if (args.models !== undefined) {
  const asked = args.models
    .split(",")
    .map((k) => k.trim())
    .filter(Boolean);
  const unknown = asked.filter((k) => !(MODEL_KINDS as readonly string[]).includes(k));
  if (unknown.length > 0 || asked.length === 0)
    fail(
      `--models must list some of ${MODEL_KINDS.join(", ")}; unknown: ${unknown.join(", ") || "(none given)"}`,
    );
  kinds = asked as ModelKind[];
}

let text: string;
try {
  text = await readFile(file, "utf8");
} catch (error) {
  fail(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
}
let trace;
try {
  trace = parseTraceCsv(text, args.column !== undefined ? { column: args.column } : {});
} catch (error) {
  if (error instanceof TraceCsvError) fail(`${file}: ${error.message}`);
  throw error;
}
const stepSeconds = niceStepSeconds(detectStepSeconds(trace.points));
const series = resampleToStep(trace.points, stepSeconds);
const horizon = horizonArg ?? Math.max(1, Math.round(900 / stepSeconds));
const reporter = process.stderr.isTTY ? progressReporter(process.stderr, "backtest") : null;
const started = performance.now();
let selection;
try {
  selection = await trainForecasters(series, {
    horizon,
    ...(kinds ? { kinds } : {}),
    rng: seededRng(1),
    onProgress: (fraction, label) => reporter?.update(fraction, label),
  });
} catch (error) {
  reporter?.stop("failed");
  if (error instanceof RangeError) fail(`${file}: ${error.message}`);
  throw error;
}
const trainSeconds = (performance.now() - started) / 1000;
reporter?.stop(`done in ${trainSeconds.toFixed(1)} s`);
const report = backtestReport(selection, {
  points: observedCount(series.values),
  stepSeconds,
  horizon,
  trainSeconds,
});
for (const [kind, why] of Object.entries(selection.skipped ?? {}))
  process.stderr.write(`backtest: ${kind} not scored: ${why}\n`);
process.stdout.write(args.json ? `${JSON.stringify(report)}\n` : formatReportTable(report, selection));
// tfjs keeps handles (the wasm module) alive; the result is out, so end now.
process.exit(0);
