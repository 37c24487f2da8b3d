import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import type { Benchmark } from "./benchmark.ts";
import { BENCH_OPTION_TYPES, BENCH_OPTIONS } from "./bench-options.ts";
import { writeBenchmarkSection, writeBenchmarkSummary } from "./report.ts";

// `npm run bench [-- --only NAME[,NAME] --quick]`: runs every infra/bench/*.bench.ts in name
// order and writes each one's section of BENCHMARKS.md as soon as it finishes.
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const files = (await readdir(here)).filter((f) => f.endsWith(".bench.ts")).sort();
const names = files.map((f) => f.replace(/\.bench\.ts$/, ""));
const USAGE = [
  "usage: npm run bench [-- --only NAME[,NAME...]] [--quick]",
  ...BENCH_OPTIONS.map((o) => `  ${o.flag.padEnd(14)} ${o.help}`),
  `Benchmarks: (${names.join(", ")})`,
  "Each benchmark rewrites its own section of BENCHMARKS.md when it finishes.",
].join("\n");

let values: { only?: string; quick: boolean; "summary-only": boolean; help: boolean };
try {
  ({ values } = parseArgs({
    options: BENCH_OPTION_TYPES,
    strict: true,
    allowPositionals: false,
  }));
} catch (error) {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
  process.exit(2);
}
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (values["summary-only"]) {
  await writeBenchmarkSummary(path.join(root, "BENCHMARKS.md"));
  process.stderr.write("bench: rebuilt the summary of BENCHMARKS.md\n");
  process.exit(0);
}
const only = values.only
  ?.split(",")
  .map((s) => s.trim())
  .filter(Boolean);
const unknown = (only ?? []).filter((name) => !names.includes(name));
if (only?.length === 0 || unknown.length > 0) {
  const problem =
    unknown.length > 0 ? `no benchmark named ${unknown.join(", ")}` : "name at least one benchmark";
  process.stderr.write(`bench: --only ${values.only ?? ""}: ${problem}; there are ${names.join(", ")}\n`);
  process.exit(2);
}
const tracesDir = path.resolve(root, "../shared/data/traces");
const log = (message: string) => process.stderr.write(`bench: ${message}\n`);
let failed = 0;
for (const file of files) {
  const name = file.replace(/\.bench\.ts$/, "");
  if (only && !only.includes(name)) continue;
  const mod = (await import(pathToFileURL(path.join(here, file)).href)) as { default: Benchmark };
  const bench = mod.default;
  log(`${bench.name}: ${bench.title}`);
  const started = performance.now();
  try {
    const markdown = await bench.run({
      log: (m) => {
        log(`${bench.name}: ${m}`);
      },
      quick: values.quick,
      tracesDir: existsSync(tracesDir) ? tracesDir : null,
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(0);
    const machine = `${process.platform}/${process.arch}, Node ${process.versions.node}`;
    const quick = values.quick ? " (quick mode: shorter runs)" : "";
    const stamp = `\n\n_Measured ${new Date().toISOString().slice(0, 10)} on ${machine}, in ${seconds} s${quick}._`;
    await writeBenchmarkSection(
      path.join(root, "BENCHMARKS.md"),
      bench.name,
      `## ${bench.title}\n\n${markdown.trim()}${stamp}`,
    );
    log(`${bench.name}: done`);
  } catch (error) {
    failed++;
    log(`${bench.name}: FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
