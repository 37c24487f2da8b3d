// `npm run -s simulate -- --csv FILE --policy predictive|reactive|static|aws-predictive [--json] [knobs]`:
// replays a trace against a simulated fleet driven by the real policy code and prints the
// elasticity metrics; `--frontier` instead reads the policy against the reactive and AWS-style
// frontiers. Bad input exits 2 with a message naming the problem (and the line).
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import * as v from "valibot";
import type { ScheduledEvent } from "../../contracts/index.ts";
import { MODEL_KINDS, TraceCsvError, eventOverlaps, validateWith } from "../../contracts/index.ts";
import type { ElasticityReport } from "../sim/elasticity-metrics.ts";
import { frontierReport } from "../sim/frontier-report.ts";
import type { PolicyName, SimulateOptions } from "../sim/simulate.ts";
import {
  DEFAULT_SIMULATE_OPTIONS,
  REPLAY_POLICIES as POLICIES,
  replayPlan,
  simulate,
  trainOnHead,
} from "../sim/simulate.ts";
import type { LoadSeries } from "../sim/trace-series.ts";
import { loadSeriesFromCsv } from "../sim/trace-series.ts";
import { parseEventFile } from "../sim/event-file.ts";
import { SIMULATE_FLAGS as FLAGS, simulateHelpRows } from "./simulate-options.ts";

class UsageError extends Error {}

const USAGE = `usage: npm run -s simulate -- --csv FILE (--policy ${POLICIES.join("|")} | --frontier) [--json] [--column NAME] [--models ${MODEL_KINDS.join(",")}] [--events FILE] ${Object.keys(
  FLAGS,
)
  .map((f) => `[--${f} N]`)
  .join(" ")}`;

/** `--help`: the usage, then what each option means and its default. */
const HELP = [
  "Replays a timestamp,value trace against a simulated fleet driven by the real policy code and prints the elasticity metrics.",
  USAGE,
  "",
  ...simulateHelpRows().map(([flag, meaning]) => `  ${flag.padEnd(28)} ${meaning}`),
].join("\n");

type Replay = {
  csv: string;
  column?: string;
  events?: string;
  /** The policy to replay, or "frontier" for the policy read against both baselines' frontiers. */
  policy: PolicyName | "frontier";
  json: boolean;
  options: SimulateOptions;
};

/** The command line: a replay to run, or "help" for --help. */
function parseOptions(argv: string[]): Replay | "help" {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      options: {
        help: { type: "boolean", short: "h", default: false },
        csv: { type: "string" },
        column: { type: "string" },
        events: { type: "string" },
        policy: { type: "string" },
        json: { type: "boolean", default: false },
        frontier: { type: "boolean", default: false },
        models: { type: "string" },
        ...Object.fromEntries(Object.keys(FLAGS).map((f) => [f, { type: "string" as const }])),
      },
    });
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help === true) return "help";
  const problems: string[] = [];
  const csv = values.csv;
  if (typeof csv !== "string" || csv === "") problems.push("--csv: name the trace file");
  const frontier = values.frontier === true;
  const policy = values.policy;
  const policyOk = frontier ? policy === undefined : (POLICIES as readonly unknown[]).includes(policy);
  if (frontier && policy !== undefined)
    problems.push(
      `--frontier replays the product's policy and both baselines itself: leave out --policy (got "${String(policy)}")`,
    );
  else if (!policyOk)
    problems.push(
      `--policy: must be one of ${POLICIES.join(", ")}, or give --frontier${policy === undefined ? "" : ` (got "${String(policy)}")`}`,
    );
  const options: SimulateOptions = { ...DEFAULT_SIMULATE_OPTIONS };
  const set = options as Record<string, unknown>;
  for (const [flag, [key, schema]] of Object.entries(FLAGS)) {
    const text = values[flag];
    if (typeof text !== "string") continue;
    const result = validateWith(schema, text.trim() === "" ? Number.NaN : Number(text));
    if (!result.ok) problems.push(`--${flag} ${text}: ${result.issues.map((i) => i.message).join("; ")}`);
    else set[key] = result.value;
  }
  if (typeof values["violation-budget"] === "string" && typeof values["spend-ceiling"] === "string")
    problems.push(
      "--violation-budget and --spend-ceiling: give one (an SLO states one trade-off, a violation budget or a spend ceiling)",
    );
  if (options.minReplicas > options.maxReplicas)
    problems.push(
      `--min-replicas ${options.minReplicas}: must not exceed --max-replicas ${options.maxReplicas}`,
    );
  if (typeof values.models === "string") {
    const kinds = validateWith(
      v.array(v.picklist(MODEL_KINDS, `must be one of ${MODEL_KINDS.join(", ")}`)),
      values.models.split(",").map((k) => k.trim()),
    );
    if (kinds.ok && kinds.value.length > 0) options.kinds = kinds.value;
    else
      problems.push(
        `--models ${values.models}: ${kinds.ok ? "name at least one model" : kinds.issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
      );
  }
  if (typeof values.events === "string" && frontier)
    problems.push("--events: not with --frontier (the baselines it compares against are told of no events)");
  else if (typeof values.events === "string" && policyOk && policy !== "predictive")
    problems.push(`--events: only the predictive policy is told of scheduled events (not ${String(policy)})`);
  if (problems.length > 0 || typeof csv !== "string" || !policyOk)
    throw new UsageError(`${problems.join("\n")}\n${USAGE}`);
  return {
    csv,
    ...(typeof values.column === "string" ? { column: values.column } : {}),
    ...(typeof values.events === "string" ? { events: values.events } : {}),
    policy: frontier ? "frontier" : (policy as PolicyName),
    json: values.json === true,
    options,
  };
}

function formatReport(policy: string, report: ElasticityReport): string {
  const rows: [string, string][] = [
    ["SLO-violation minutes", report.sloViolationMinutes.toFixed(1)],
    ["replica-minutes", report.replicaMinutes.toFixed(0)],
    ["over-provisioned replica-minutes", report.overProvisionedReplicaMinutes.toFixed(0)],
    ["scaling actions", String(report.scalingActions)],
    ["under-provisioning accuracy θU", `${report.thetaU.toFixed(2)} %`],
    ["over-provisioning accuracy θO", `${report.thetaO.toFixed(2)} %`],
    ["under-provisioning timeshare τU", `${report.tauU.toFixed(2)} %`],
    ["over-provisioning timeshare τO", `${report.tauO.toFixed(2)} %`],
  ];
  return [`policy ${policy}`, ...rows.map(([k, val]) => `  ${k.padEnd(34)} ${val}`)].join("\n");
}

async function main(): Promise<void> {
  const replay = parseOptions(process.argv.slice(2));
  if (replay === "help") {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const { csv, column, policy, json, options } = replay;
  const text = await readText(csv);
  if (replay.events !== undefined) {
    const events = parseEventFile(await readText(replay.events));
    if (!events.ok)
      throw new UsageError(
        `${replay.events} is invalid:\n${events.issues.map((i) => `  ${i.path || "(root)"}: ${i.message}`).join("\n")}`,
      );
    options.events = events.value;
  }
  let series;
  try {
    series = loadSeriesFromCsv(text, column);
  } catch (error) {
    if (error instanceof TraceCsvError) throw new UsageError(`${csv}: ${error.message}`);
    throw error;
  }
  const negative = series.values.findIndex((x) => x < 0);
  if (negative >= 0)
    throw new UsageError(
      `${csv}: the load at ${new Date(series.start + negative * series.stepSeconds * 1000).toISOString()} is negative`,
    );
  if (options.events && options.events.length > 0) warnIfOutside(options.events, series, options);
  let report: ElasticityReport;
  try {
    if (policy === "frontier") {
      const readings = await frontierReport(series, options, await trainOnHead(series, options));
      process.stdout.write(`${JSON.stringify({ trace: csv, ...readings })}\n`);
      return;
    }
    const trained =
      policy === "reactive" || policy === "static" ? undefined : await trainOnHead(series, options);
    ({ report } = await simulate(series, policy, options, trained));
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(`${csv}: ${error.message}`);
    throw error;
  }
  // Exactly the documented keys, in the documented order.
  const {
    sloViolationMinutes,
    overProvisionedReplicaMinutes,
    replicaMinutes,
    scalingActions,
    thetaU,
    thetaO,
    tauU,
    tauO,
  } = report;
  const out = {
    sloViolationMinutes,
    overProvisionedReplicaMinutes,
    replicaMinutes,
    scalingActions,
    thetaU,
    thetaO,
    tauU,
    tauO,
  };
  process.stdout.write(json ? `${JSON.stringify(out)}\n` : `${formatReport(policy, out)}\n`);
}

/** Events that miss the replayed part change nothing: most often a date in another year or zone. */
function warnIfOutside(
  events: readonly ScheduledEvent[],
  series: LoadSeries,
  options: SimulateOptions,
): void {
  let from: number;
  try {
    from = series.start + replayPlan(series, options).fromIndex * series.stepSeconds * 1000;
  } catch {
    return;
  }
  const to = series.start + series.values.length * series.stepSeconds * 1000;
  const outside = events.filter((e) => !eventOverlaps(e, from, to)).map((e) => e.id);
  if (outside.length > 0)
    process.stderr.write(
      `simulate: warning: ${outside.length === events.length ? "no event" : `${outside.length} of ${events.length} events (${outside.join(", ")})`} falls in the replayed part of the trace (${new Date(from).toISOString()} to ${new Date(to).toISOString()}); ${outside.length === 1 ? "it changes" : "they change"} nothing\n`,
    );
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    throw new UsageError(
      `${file}: cannot be read (${error instanceof Error ? error.message : String(error)})`,
    );
  }
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`simulate: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(
    `simulate: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
