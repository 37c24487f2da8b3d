// The options of `npm run bench`, in one table that the parser, `--help` and
// docs/configuration.md (`npm run docs:config`) read.

/** Each option: its parseArgs type and default, and what it means. */
export const BENCH_OPTION_TYPES = {
  only: { type: "string" },
  quick: { type: "boolean", default: false },
  "summary-only": { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

/** What each option means, as `--help` and docs/configuration.md show it. */
export const BENCH_OPTIONS: readonly { flag: string; help: string }[] = [
  { flag: "--only NAMES", help: "run only these benchmarks, comma-separated (`--help` lists the names)" },
  { flag: "--quick", help: "shorter runs, for a quick look (the report says so)" },
  {
    flag: "--summary-only",
    help: "run nothing; rebuild the summary at the top of BENCHMARKS.md from the sections there",
  },
  { flag: "--help", help: "print the options and the benchmarks' names" },
];
