import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { ModelKind, ScheduledEvent } from "../../contracts/index.ts";
import { seededRng } from "../../contracts/index.ts";
import type { TrainedSelection } from "../../predictor/models/index.ts";
import { DEFAULT_TUNING } from "../../scaler/policy/types.ts";
import type { CostBounds } from "../../scaler/sim/clairvoyant.ts";
import { costBounds } from "../../scaler/sim/clairvoyant.ts";
import type { CurveComparison, SpendPoint } from "../../scaler/sim/frontier.ts";
import { compareToCurve } from "../../scaler/sim/frontier.ts";
import type { FrontierReport } from "../../scaler/sim/frontier-report.ts";
import { frontierReport } from "../../scaler/sim/frontier-report.ts";
import { REPLAY_POOL } from "../../scaler/sim/predictive-controller.ts";
import type { ReplayResult } from "../../scaler/sim/replay.ts";
import type { PolicyName, SimulateOptions } from "../../scaler/sim/simulate.ts";
import {
  DEFAULT_SIMULATE_OPTIONS,
  replayPlan,
  simulate,
  simulatePerfectForecast,
  trainOnHead,
} from "../../scaler/sim/simulate.ts";
import type { LoadSeries } from "../../scaler/sim/trace-series.ts";
import { loadSeriesFromCsv } from "../../scaler/sim/trace-series.ts";
import { flashCrowdEvents, generateTrace } from "../traces/trace-generator.ts";
import type { Benchmark } from "./benchmark.ts";
import type { ChartSeries } from "./frontier-chart.ts";
import { frontierPng } from "./frontier-chart.ts";
import { headlineComment } from "./report.ts";
import { fillTemplate } from "./template.ts";

const LSTM_EPOCHS = 10;
/** Target: the policy's violation minutes at most this share of the reactive frontier's at its spend... */
const REACTIVE_SHARE = 0.33;
/** ...and at most this share of the AWS-style baseline's. */
const AWS_SHARE = 0.6;
/** Where the charts go (linked from docs/scaling-policy.md and from the report). */
const CHART_DIR = path.join(import.meta.dirname, "..", "..", "docs", "images");

/** One trade-off the policy is replayed at, to draw its own curve. */
type TradeOff = { label: string; violationBudget?: number; spendCeiling?: number };
/** The default trade-off (the scaler's fallback when an SLO states none), then the others. */
const DEFAULT_TRADE_OFF: TradeOff = {
  label: `budget ${DEFAULT_TUNING.violationBudget * 100} % (default)`,
  violationBudget: DEFAULT_TUNING.violationBudget,
};
const TRADE_OFFS: readonly TradeOff[] = [
  { label: "budget 10 %", violationBudget: 0.1 },
  { label: "budget 5 %", violationBudget: 0.05 },
  DEFAULT_TRADE_OFF,
  { label: "budget 0.5 %", violationBudget: 0.005 },
  { label: "ceiling 1.25", spendCeiling: 1.25 },
  { label: "ceiling 1.5", spendCeiling: 1.5 },
  { label: "ceiling 2", spendCeiling: 2 },
];

type TraceRun = { name: string; series: LoadSeries; note: string; events?: ScheduledEvent[] };
type Point = SpendPoint & { overloadMinutes: number };
type TraceResult = {
  run: TraceRun;
  model: string;
  trainSeconds: number;
  rpsPerReplica: number;
  replayDays: number;
  frontier: FrontierReport;
  /** The tables' policies at the SLO's target (the AWS-style baseline at it too). */
  results: Record<PolicyName, ReplayResult>;
  tradeOffs: { tradeOff: TradeOff; point: Point }[];
  perfect: Point;
  perfectVsReactive: CurveComparison;
  perfectVsAws: CurveComparison;
  bounds: CostBounds;
  chart: string;
  seconds: { policy: number; frontiers: number; tradeOffs: number; bounds: number };
  scheduled?: { unscheduled: Point; scheduled: Point };
};

/** The synthetic trace: two weeks of weekday/weekend daily cycles with noise and six flash crowds
 * at random times (the local stack's generator), one point a minute; and its flash crowds as an
 * operator who planned them would schedule them (`generate.ts --events-out`). */
function syntheticTrace(days: number): { series: LoadSeries; events: ScheduledEvent[] } {
  const trace = generateTrace(
    { days, stepSeconds: 60, flashCrowds: Math.round((6 * days) / 14) },
    seededRng(7),
  );
  const series = loadSeriesFromCsv(
    `timestamp,value\n${trace.points.map((p) => `${new Date(p.t).toISOString()},${p.value}`).join("\n")}\n`,
  );
  return { series, events: flashCrowdEvents(trace).map((event) => ({ ...event, pool: REPLAY_POOL })) };
}

const point = (r: ReplayResult): Point => ({
  replicaMinutes: r.report.replicaMinutes,
  sloViolationMinutes: r.report.sloViolationMinutes,
  overloadMinutes: r.overloadMinutes,
});

const since = (t0: number) => (performance.now() - t0) / 1000;

async function runTrace(
  run: TraceRun,
  options: SimulateOptions,
  log: (m: string) => void,
): Promise<TraceResult> {
  const t0 = performance.now();
  let reported = -1;
  const trained: TrainedSelection = await trainOnHead(run.series, options, (fraction, label) => {
    const tenth = Math.floor(fraction * 10);
    if (tenth !== reported) log(`${run.name}: training ${Math.round(fraction * 100)} % (${label})`);
    reported = tenth;
  });
  const trainSeconds = since(t0);
  // The policy first: its replay makes the forecasts every other replay of this training shares.
  const t1 = performance.now();
  const predictive = await simulate(run.series, "predictive", options, trained);
  const policySeconds = since(t1);
  log(`${run.name}: the policy replayed in ${policySeconds.toFixed(1)} s`);
  const t2 = performance.now();
  const frontier = await frontierReport(run.series, options, trained, predictive);
  const frontierSeconds = since(t2);
  log(`${run.name}: both frontiers replayed in ${frontierSeconds.toFixed(1)} s`);
  const results: Record<PolicyName, ReplayResult> = {
    predictive,
    reactive: await simulate(run.series, "reactive", options),
    "aws-predictive": await simulate(run.series, "aws-predictive", options, trained),
    static: await simulate(run.series, "static", options),
  };
  const t3 = performance.now();
  const tradeOffs: TraceResult["tradeOffs"] = [];
  for (const tradeOff of TRADE_OFFS) {
    const replay =
      tradeOff === DEFAULT_TRADE_OFF
        ? predictive
        : await simulate(run.series, "predictive", withTradeOff(options, tradeOff), trained);
    tradeOffs.push({ tradeOff, point: point(replay) });
  }
  const tradeOffSeconds = since(t3);
  log(`${run.name}: ${TRADE_OFFS.length - 1} other trade-offs replayed in ${tradeOffSeconds.toFixed(1)} s`);
  const perfect = point(await simulatePerfectForecast(run.series, options));
  const plan = replayPlan(run.series, options);
  const t4 = performance.now();
  const bounds = costBounds(run.series, plan.fromIndex, plan.fleet, predictive.report.sloViolationMinutes);
  const boundsSeconds = since(t4);
  const scheduled = run.events
    ? {
        unscheduled: point(predictive),
        scheduled: point(
          await simulate(run.series, "predictive", { ...options, events: run.events }, trained),
        ),
      }
    : undefined;
  const replayDays = ((run.series.values.length - plan.fromIndex) * run.series.stepSeconds) / 86_400;
  const result: TraceResult = {
    run,
    model: `${trained.best.kind} (${trained.best.version})`,
    trainSeconds,
    rpsPerReplica: plan.fleet.rpsPerReplica,
    replayDays,
    frontier,
    results,
    tradeOffs,
    perfect,
    perfectVsReactive: compareToCurve(frontier.reactive.curve, perfect),
    perfectVsAws: compareToCurve(frontier.awsPredictive.curve, perfect),
    bounds,
    chart: "",
    seconds: {
      policy: policySeconds,
      frontiers: frontierSeconds,
      tradeOffs: tradeOffSeconds,
      bounds: boundsSeconds,
    },
    ...(scheduled ? { scheduled } : {}),
  };
  result.chart = await writeChart(result);
  return result;
}

function withTradeOff(options: SimulateOptions, tradeOff: TradeOff): SimulateOptions {
  const { violationBudget: _budget, spendCeiling: _ceiling, ...rest } = options;
  return {
    ...rest,
    ...(tradeOff.violationBudget !== undefined ? { violationBudget: tradeOff.violationBudget } : {}),
    ...(tradeOff.spendCeiling !== undefined ? { spendCeiling: tradeOff.spendCeiling } : {}),
  };
}

/** The trace's frontier chart as docs/images/frontier-<trace>.png; returns its file name. */
async function writeChart(r: TraceResult): Promise<string> {
  const file = `frontier-${r.run.name
    .replace(/\.csv$/, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")}.png`;
  const targetLabel = (t: number) => `${Math.round(t * 100)} %`;
  const series: ChartSeries[] = [
    {
      name: "reactive HPA (its target)",
      style: "curve",
      color: "#c0392b",
      points: r.frontier.reactive.curve.map((p) => ({ ...p, label: targetLabel(p.target) })),
    },
    {
      name: "AWS-style predictive (its target)",
      style: "curve",
      color: "#2471a3",
      points: r.frontier.awsPredictive.curve.map((p) => ({ ...p, label: targetLabel(p.target) })),
    },
    {
      name: "Headroom, by trade-off",
      style: "curve",
      color: "#1e8449",
      points: r.tradeOffs
        .filter((t) => t.tradeOff.violationBudget !== undefined)
        .map((t) => ({ ...t.point, label: t.tradeOff.label.replace(" (default)", "") })),
    },
    {
      name: "Headroom, default",
      style: "point",
      color: "#145a32",
      points: r.tradeOffs
        .filter((t) => t.tradeOff === DEFAULT_TRADE_OFF)
        .map((t) => ({ ...t.point, label: "default" })),
    },
    {
      name: "Headroom, spend ceiling",
      style: "point",
      color: "#7d3c98",
      points: r.tradeOffs
        .filter((t) => t.tradeOff.spendCeiling !== undefined)
        .map((t) => ({ ...t.point, label: t.tradeOff.label })),
    },
    {
      name: "Headroom, perfect forecast",
      style: "point",
      color: "#b9770e",
      points: [{ ...r.perfect, label: "perfect forecast" }],
    },
  ];
  await mkdir(CHART_DIR, { recursive: true });
  await writeFile(
    path.join(CHART_DIR, file),
    frontierPng({
      title: r.run.name,
      subtitle: `SLO-violation minutes (load above 70 % of serving capacity) against spend, last ${r.replayDays.toFixed(1)} days; forecasts from ${r.frontier.model.kind}`,
      series,
    }),
  );
  return file;
}

const n0 = (x: number) => x.toLocaleString("en-US", { maximumFractionDigits: 0 });
const n1 = (x: number) => x.toLocaleString("en-US", { maximumFractionDigits: 1, minimumFractionDigits: 1 });
const ratio = (x: number | null) => (x === null ? "–" : `${x.toFixed(2)}x`);

/** Whether the policy met a share at equal spend: a null ratio (no frontier point at its spend)
 * counts as met only when the frontier has no violation there and neither has the policy. */
function within(c: CurveComparison, policy: SpendPoint, share: number): boolean {
  if (c.violationRatioAtEqualSpend !== null) return c.violationRatioAtEqualSpend <= share;
  return c.frontierViolationsAtSpend === 0 && policy.sloViolationMinutes === 0;
}

function metOn(r: TraceResult): { reactive: boolean; aws: boolean } {
  const p = r.frontier.policy;
  return {
    reactive: within(r.frontier.reactive, p, REACTIVE_SHARE),
    aws: within(r.frontier.awsPredictive, p, AWS_SHARE),
  };
}

/** Where the gap to a target comes from: the perfect-forecast replay tells forecast from policy. */
function gapSource(r: TraceResult): string {
  const met = metOn(r);
  if (met.reactive && met.aws) return "met";
  const perfectMet =
    within(r.perfectVsReactive, r.perfect, REACTIVE_SHARE) && within(r.perfectVsAws, r.perfect, AWS_SHARE);
  const perfectFew = r.perfect.sloViolationMinutes <= 0.05 * r.frontier.policy.sloViolationMinutes;
  return perfectMet || perfectFew
    ? `the forecast: fed the trace's future, the same policy has ${n1(r.perfect.sloViolationMinutes)} violation min at ${n0(r.perfect.replicaMinutes)} replica-min`
    : `the policy: even fed the trace's future it has ${n1(r.perfect.sloViolationMinutes)} violation min at ${n0(r.perfect.replicaMinutes)} replica-min`;
}

function frontierRow(r: TraceResult): string {
  const f = r.frontier;
  const met = metOn(r);
  const cells = [
    `[${r.run.name}](docs/images/${r.chart})`,
    f.model.kind,
    `${n0(f.policy.replicaMinutes)} / ${n1(f.policy.sloViolationMinutes)}`,
    f.reactive.frontierViolationsAtSpend === null
      ? "beyond the curve"
      : n1(f.reactive.frontierViolationsAtSpend),
    ratio(f.reactive.violationRatioAtEqualSpend),
    ratio(f.reactive.spendRatioAtEqualViolations),
    f.awsPredictive.frontierViolationsAtSpend === null
      ? "beyond the curve"
      : n1(f.awsPredictive.frontierViolationsAtSpend),
    ratio(f.awsPredictive.violationRatioAtEqualSpend),
    ratio(f.awsPredictive.spendRatioAtEqualViolations),
    `${ratio(r.perfectVsReactive.violationRatioAtEqualSpend)} / ${ratio(r.perfectVsAws.violationRatioAtEqualSpend)}`,
    met.reactive && met.aws
      ? "yes"
      : `no (${[met.reactive ? "" : "vs reactive", met.aws ? "" : "vs AWS-style"].filter(Boolean).join(", ")})`,
  ];
  return `| ${cells.join(" | ")} |`;
}

function notesOf(r: TraceResult): string[] {
  const notes = [
    ...r.frontier.reactive.notes.map((n) => `reactive: ${n}`),
    ...r.frontier.awsPredictive.notes.map((n) => `AWS-style: ${n}`),
  ];
  if (r.frontier.reactive.extended) notes.push("the reactive curve was extended beyond targets 70-30 %");
  if (r.frontier.awsPredictive.extended)
    notes.push("the AWS-style curve was extended beyond targets 70-30 %");
  const gap = gapSource(r);
  const head = gap === "met" ? `${r.run.name}: met` : `${r.run.name}: the gap comes from ${gap}`;
  return [`- ${head}${notes.length > 0 ? `; ${notes.join("; ")}` : ""}.`];
}

function curveTable(r: TraceResult): string[] {
  const rows = r.frontier.reactive.curve.map((p, i) => {
    const a = r.frontier.awsPredictive.curve[i];
    return `| ${Math.round(p.target * 100)} % | ${n0(p.replicaMinutes)} / ${n1(p.sloViolationMinutes)} | ${a ? `${n0(a.replicaMinutes)} / ${n1(a.sloViolationMinutes)}` : "–"} |`;
  });
  return [
    "| target | reactive HPA: replica-min / violation min | AWS-style predictive: replica-min / violation min |",
    "| ---: | ---: | ---: |",
    ...rows,
  ];
}

function tradeOffRow(r: TraceResult): string {
  const cells = r.tradeOffs.map(({ point: p }) => {
    const c = compareToCurve(r.frontier.reactive.curve, p);
    return `${n0(p.replicaMinutes)} / ${n1(p.sloViolationMinutes)} (${ratio(c.violationRatioAtEqualSpend)})`;
  });
  return `| ${r.run.name} | ${cells.join(" | ")} |`;
}

function policyTable(r: TraceResult): string {
  const order: PolicyName[] = ["predictive", "aws-predictive", "reactive", "static"];
  const rows = order.map((policy) => {
    const { report, overloadMinutes } = r.results[policy];
    const cells = [policy, n1(report.sloViolationMinutes), n1(overloadMinutes), n0(report.replicaMinutes)];
    cells.push(n0(report.overProvisionedReplicaMinutes), String(report.scalingActions));
    cells.push(...[report.thetaU, report.thetaO, report.tauU, report.tauO].map((x) => x.toFixed(2)));
    return `| ${cells.join(" | ")} |`;
  });
  return [
    `### ${r.run.name}`,
    "",
    `![${r.run.name}: spend against violation minutes](docs/images/${r.chart})`,
    "",
    fillTemplate("scaling-trace", {
      note: r.run.note,
      days: r.replayDays.toFixed(1),
      rpsPerReplica: n1(r.rpsPerReplica),
      model: r.model,
      trainSeconds: r.trainSeconds.toFixed(1),
      policySeconds: r.seconds.policy.toFixed(1),
      frontierSeconds: r.seconds.frontiers.toFixed(1),
      tradeOffSeconds: r.seconds.tradeOffs.toFixed(1),
      hitRate: (r.frontier.model.forecastCacheHitRate * 100).toFixed(1),
      clairvoyant: n0(r.bounds.clairvoyantReplicaMinutes),
      allowance: n0(r.bounds.allowanceReplicaMinutes),
      violations: n1(r.frontier.policy.sloViolationMinutes),
      boundsSeconds: r.seconds.bounds.toFixed(1),
    }),
    "",
    ...curveTable(r),
    "",
    "| policy (at the SLO's 70 % target) | SLO-violation min (> 70 %) | overload min (> 100 %) | replica-min | over-provisioned replica-min | scaling actions | θU % | θO % | τU % | τO % |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows,
  ].join("\n");
}

function scheduledRow(r: TraceResult): string[] {
  const s = r.scheduled;
  if (!s) return [];
  const before = s.unscheduled;
  const after = s.scheduled;
  const fewer =
    before.sloViolationMinutes > 0
      ? `${Math.round((100 * (before.sloViolationMinutes - after.sloViolationMinutes)) / before.sloViolationMinutes)} %`
      : "–";
  const change = Math.round((100 * (after.replicaMinutes - before.replicaMinutes)) / before.replicaMinutes);
  return [
    `| ${r.run.name} | ${n1(before.sloViolationMinutes)} | ${n1(after.sloViolationMinutes)} | ${fewer} | ${n0(before.replicaMinutes)} | ${n0(after.replicaMinutes)} | ${change >= 0 ? "+" : ""}${change} % |`,
  ];
}

/** "0.12x-1.15x" over the traces where the ratio exists. */
function ratioRange(values: readonly (number | null)[]): string {
  const known = values.filter((v): v is number => v !== null);
  if (known.length === 0) return "no ratio";
  return `${Math.min(...known).toFixed(2)}x-${Math.max(...known).toFixed(2)}x`;
}

const benchmark: Benchmark = {
  name: "scaling",
  title: "Scaling: the policy against the reactive frontier and AWS-style predictive scaling",
  async run(context) {
    // Quick runs leave the LSTM out; full runs train it with fewer epochs than the predictor's
    // default, so five traces train in minutes rather than hours.
    const kinds: readonly ModelKind[] | undefined = context.quick
      ? ["seasonal-naive", "holt-winters"]
      : undefined;
    const options: SimulateOptions = {
      ...DEFAULT_SIMULATE_OPTIONS,
      ...(kinds ? { kinds } : { lstmEpochs: LSTM_EPOCHS }),
    };
    const runs: TraceRun[] = [];
    if (context.tracesDir) {
      const dir = context.tracesDir;
      for (const file of (await readdir(dir)).filter((f) => f.endsWith(".csv")).sort()) {
        runs.push({
          name: file,
          series: loadSeriesFromCsv(await readFile(path.join(dir, file), "utf8")),
          note: "Real trace (NAB).",
        });
      }
    } else context.log("no traces folder beside the project: only the synthetic trace runs");
    const days = context.quick ? 7 : 14;
    const synthetic = syntheticTrace(days);
    runs.push({
      name: `synthetic diurnal with flash crowds (${days} days)`,
      series: synthetic.series,
      events: synthetic.events,
      note: "Generated: daily and weekly cycles, +1 %/day trend, 8 % noise, flash crowds at random times (seed 7).",
    });
    const done: TraceResult[] = [];
    for (const run of runs) {
      context.log(`${run.name}: ${run.series.values.length} points at ${run.series.stepSeconds} s`);
      done.push(
        await runTrace(run, options, (m) => {
          context.log(m);
        }),
      );
    }
    const reactiveMet = done.filter((r) => metOn(r).reactive).map((r) => r.run.name);
    const awsMet = done.filter((r) => metOn(r).aws).map((r) => r.run.name);
    return [
      fillTemplate("scaling-setup", {
        bootMinutes: options.bootSeconds / 60,
        targetPercent: options.targetUtilization * 100,
        leadMinutes: (options.bootSeconds + 60) / 60,
        cooldownMinutes: options.cooldownSeconds / 60,
        intervalSeconds: options.intervalSeconds,
        trainPercent: options.trainFraction * 100,
        models: kinds
          ? kinds.join(" and ")
          : `every model kind, the LSTM for ${LSTM_EPOCHS} epochs; the best by backtest serves`,
      }),
      "",
      fillTemplate("scaling-target", {
        reactiveShare: REACTIVE_SHARE,
        awsShare: AWS_SHARE,
        budgetPercent: DEFAULT_TUNING.violationBudget * 100,
      }),
      headlineComment({
        figure: `the policy at ${ratioRange(done.map((r) => r.frontier.reactive.violationRatioAtEqualSpend))} of the reactive frontier's violation minutes at equal spend; at most ${REACTIVE_SHARE}x on ${reactiveMet.length} of ${done.length} traces`,
        target: `at most ${REACTIVE_SHARE}x on every trace`,
        met: reactiveMet.length === done.length,
      }),
      headlineComment({
        figure: `the policy at ${ratioRange(done.map((r) => r.frontier.awsPredictive.violationRatioAtEqualSpend))} of the AWS-style baseline's violation minutes at equal spend; at most ${AWS_SHARE}x on ${awsMet.length} of ${done.length} traces`,
        target: `at most ${AWS_SHARE}x on every trace`,
        met: awsMet.length === done.length,
      }),
      "",
      "| trace (chart) | model served | policy: replica-min / violation min | reactive frontier's violation min at that spend | policy / reactive (target ≤ 0.33x) | spend / reactive's at equal violations | AWS-style's violation min at that spend | policy / AWS-style (target ≤ 0.6x) | spend / AWS-style's at equal violations | perfect forecast / reactive / AWS-style | met |",
      "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
      ...done.map(frontierRow),
      "",
      "Where each gap comes from, and what the curves could not say:",
      "",
      ...done.flatMap(notesOf),
      "",
      fillTemplate("scaling-safety"),
      "",
      `| trace | ${TRADE_OFFS.map((t) => t.label).join(" | ")} |`,
      `| --- | ${TRADE_OFFS.map(() => "---:").join(" | ")} |`,
      ...done.map(tradeOffRow),
      "",
      fillTemplate("scaling-scheduled"),
      "",
      "| trace | SLO-violation min, not scheduled | scheduled | fewer | replica-min, not scheduled | scheduled | change |",
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
      ...done.flatMap(scheduledRow),
      "",
      ...done.map(policyTable).flatMap((t) => [t, ""]),
    ].join("\n");
  },
};

export default benchmark;
