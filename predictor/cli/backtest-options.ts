// The options of `npm run -s backtest`, in one table that the parser, `--help` and
// docs/configuration.md (`npm run docs:config`) read.
import { MODEL_KINDS } from "../../contracts/index.ts";

/** Each option: its parseArgs type, the value it takes, and what it means (with its default). */
export const BACKTEST_OPTIONS = {
  csv: {
    type: "string",
    meta: "FILE",
    help: "the series (timestamp,value CSV; a header is optional); required",
  },
  column: {
    type: "string",
    meta: "NAME",
    help: "the value column to read (default: the first value column)",
  },
  horizon: { type: "string", meta: "STEPS", help: "forecast length in steps (default: 15 minutes of steps)" },
  models: {
    type: "string",
    meta: "KIND,...",
    help: `model kinds to score, comma-separated (default: all of ${MODEL_KINDS.join(", ")})`,
  },
  json: { type: "boolean", default: false, help: "print exactly one JSON object instead of a table" },
  help: { type: "boolean", default: false, help: "print the options and exit" },
} as const;

/** Every option with what it means: [flag and its value, meaning]. */
export function backtestHelpRows(): (readonly [string, string])[] {
  return Object.entries(BACKTEST_OPTIONS).map(
    ([flag, o]) => [`--${flag}${"meta" in o ? ` ${o.meta}` : ""}`, o.help] as const,
  );
}
