import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { ModelKind, ScheduledEvent } from "../../contracts/index.ts";
import { seededRng } from "../../contracts/index.ts";
import type { ReplayResult } from "../../scaler/sim/replay.ts";
import { costBounds } from "../../scaler/sim/clairvoyant.ts";
import type { CostBounds } from "../../scaler/sim/clairvoyant.ts";
import type { PolicyName, SimulateOptions } from "../../scaler/sim/simulate.ts";
import {
  DEFAULT_SIMULATE_OPTIONS,
  POLICIES,
  replayPlan,
  simulate,
  simulatePerfectForecast,
  trainOnHead,
} from "../../scaler/sim/simulate.ts";
import type { LoadSeries } from "../../scaler/sim/trace-series.ts";
import { loadSeriesFromCsv } from "../../scaler/sim/trace-series.ts";
import { flashCrowdEvents, generateTrace } from "../traces/trace-generator.ts";
import { REPLAY_POOL } from "../../scaler/sim/predictive-controller.ts";
import { DEFAULT_TUNING } from "../../scaler/policy/types.ts";
import type { PolicyTuning } from "../../scaler/policy/types.ts";
import type { Benchmark } from "./benchmark.ts";
import { headlineComment } from "./report.ts";
import { fillTemplate } from "./template.ts";

const LSTM_EPOCHS = 10;

/** A trace to replay; `events`, when it has surges an operator could have scheduled. */
type TraceRun = { name: string; series: LoadSeries; note: string; events?: ScheduledEvent[] };
type Setting = { label: string; violationBudget: number; tuning?: Partial<PolicyTuning> };
/** Wall-clock seconds of the parts of one trace's run the report gives. */
type Timings = { predictiveReplay: number; bounds: number; cooldownBounds: number };
/** Replays with the trace's events scheduled: at the default budget and with none. */
type Scheduled = { withBudget: ReplayResult; noBudget: ReplayResult };
type TraceResult = {
  run: TraceRun;
  results: Record<PolicyName, ReplayResult>;
  model: string;
  trainSeconds: number;
  rpsPerReplica: number;
  replayDays: number;
  settings: ReplayResult[];
  bounds: CostBounds;
  cooldownBounds: CostBounds;
  perfect: ReplayResult;
  timings: Timings;
  scheduled?: Scheduled;
};

/** The target: predictive at most this share of reactive's SLO-violation minutes... */
const VIOLATION_SHARE = 0.2;
/** ...with at most this much more replica-minutes. */
const EXTRA_COST = 0.1;
const NO_BUDGET: Setting = {
  label: `no budget (fixed quantile ${DEFAULT_TUNING.sizingQuantile})`,
  violationBudget: 0,
};
const DEFAULT_SETTING: Setting = {
  label: `budget ${DEFAULT_TUNING.violationBudget * 100} % (default)`,
  violationBudget: DEFAULT_TUNING.violationBudget,
};
/** Every sizing setting replayed, in the settings table's column order. */
const ALL_SETTINGS: readonly Setting[] = [
  NO_BUDGET,
  DEFAULT_SETTING,
  { label: "budget 1 %", violationBudget: 0.01 },
  { label: "budget 5 %", violationBudget: 0.05 },
  {
    label: `budget ${DEFAULT_TUNING.violationBudget * 100} %, excursion price 3`,
    violationBudget: DEFAULT_TUNING.violationBudget,
    tuning: { excursionPrice: 3 },
  },
  {
    label: `budget ${DEFAULT_TUNING.violationBudget * 100} %, band read whole (band cap 0)`,
    violationBudget: DEFAULT_TUNING.violationBudget,
    tuning: { bandCap: 0 },
  },
];

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

async function runTrace(
  run: TraceRun,
  options: SimulateOptions,
  log: (m: string) => void,
): Promise<TraceResult> {
  const started = performance.now();
  let reported = -1;
  const trained = await trainOnHead(run.series, options, (fraction, label) => {
    const tenth = Math.floor(fraction * 10);
    if (tenth !== reported) log(`${run.name}: training ${Math.round(fraction * 100)} % (${label})`);
    reported = tenth;
  });
  const trainSeconds = (performance.now() - started) / 1000;
  const results = {} as Record<PolicyName, ReplayResult>;
  let predictiveReplay = 0;
  for (const policy of POLICIES) {
    const t0 = performance.now();
    results[policy] = await simulate(run.series, policy, options, trained);
    const seconds = (performance.now() - t0) / 1000;
    if (policy === "predictive") predictiveReplay = seconds;
    log(`${run.name}: ${policy} replayed in ${seconds.toFixed(1)} s`);
  }
  // Every setting is replayed on every trace, so the table never depends on how fast the
  // machine is (with LSTM forecasts a replay takes minutes: the bench runs about 20).
  const settings: ReplayResult[] = [];
  for (const setting of ALL_SETTINGS) {
    settings.push(
      setting === DEFAULT_SETTING
        ? results.predictive
        : await simulate(
            run.series,
            "predictive",
            {
              ...options,
              violationBudget: setting.violationBudget,
              tuning: { ...options.tuning, ...setting.tuning },
            },
            trained,
          ),
    );
  }
  const events = run.events;
  const scheduled = events
    ? {
        withBudget: await simulate(run.series, "predictive", { ...options, events }, trained),
        noBudget: await simulate(
          run.series,
          "predictive",
          { ...options, events, violationBudget: 0 },
          trained,
        ),
      }
    : undefined;
  const perfect = await simulatePerfectForecast(run.series, options);
  const plan = replayPlan(run.series, options);
  const replayDays = ((run.series.values.length - plan.fromIndex) * run.series.stepSeconds) / 86_400;
  const allowed = VIOLATION_SHARE * results.reactive.report.sloViolationMinutes;
  const t1 = performance.now();
  const bounds = costBounds(run.series, plan.fromIndex, plan.fleet, allowed);
  const t2 = performance.now();
  const cooldownBounds = costBounds(run.series, plan.fromIndex, plan.fleet, allowed, options.cooldownSeconds);
  const timings: Timings = {
    predictiveReplay,
    bounds: (t2 - t1) / 1000,
    cooldownBounds: (performance.now() - t2) / 1000,
  };
  log(
    `${run.name}: bounds in ${timings.bounds.toFixed(1)} s, with the cooldown in ${timings.cooldownBounds.toFixed(1)} s`,
  );
  return {
    run,
    results,
    model: `${trained.best.kind} (${trained.best.version})`,
    trainSeconds,
    rpsPerReplica: plan.fleet.rpsPerReplica,
    replayDays,
    settings,
    bounds,
    cooldownBounds,
    perfect,
    timings,
    ...(scheduled ? { scheduled } : {}),
  };
}

const n0 = (x: number) => x.toLocaleString("en-US", { maximumFractionDigits: 0 });
const n1 = (x: number) => x.toLocaleString("en-US", { maximumFractionDigits: 1, minimumFractionDigits: 1 });

function traceTable(r: TraceResult): string {
  const rows = POLICIES.map((policy) => {
    const { report, overloadMinutes } = r.results[policy];
    const cells = [policy, n1(report.sloViolationMinutes), n1(overloadMinutes), n0(report.replicaMinutes)];
    cells.push(n0(report.overProvisionedReplicaMinutes), String(report.scalingActions));
    cells.push(...[report.thetaU, report.thetaO, report.tauU, report.tauO].map((x) => x.toFixed(2)));
    return `| ${cells.join(" | ")} |`;
  });
  return [
    `### ${r.run.name}`,
    "",
    fillTemplate("scaling-trace", {
      note: r.run.note,
      days: r.replayDays.toFixed(1),
      rpsPerReplica: n1(r.rpsPerReplica),
      model: r.model,
      trainSeconds: r.trainSeconds.toFixed(1),
      replaySeconds: r.timings.predictiveReplay.toFixed(1),
      boundsSeconds: r.timings.bounds.toFixed(1),
      cooldownBoundsSeconds: r.timings.cooldownBounds.toFixed(1),
    }),
    "",
    "| policy | SLO-violation min (> 70 %) | overload min (> 100 %) | replica-min | over-provisioned replica-min | scaling actions | θU % | θO % | τU % | τO % |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows,
  ].join("\n");
}

/** Whether the predictive policy met the target on a trace: violations and cost. */
function targetMet(r: TraceResult): { violationsOk: boolean; costOk: boolean; met: boolean } {
  const p = r.results.predictive;
  const q = r.results.reactive;
  const violationsOk =
    p.report.sloViolationMinutes <= VIOLATION_SHARE * q.report.sloViolationMinutes ||
    (p.report.sloViolationMinutes === 0 && q.report.sloViolationMinutes === 0);
  const costOk = p.report.replicaMinutes <= (1 + EXTRA_COST) * q.report.replicaMinutes;
  return { violationsOk, costOk, met: violationsOk && costOk };
}

function verdict(r: TraceResult): string {
  const p = r.results.predictive;
  const q = r.results.reactive;
  const ratio = (a: number, b: number) => (b > 0 ? `${Math.round((100 * a) / b)} %` : a > 0 ? "∞" : "0 of 0");
  const { violationsOk, costOk } = targetMet(r);
  const beyond = (bounds: CostBounds) =>
    bounds.lowerBoundReplicaMinutes > (1 + EXTRA_COST) * q.report.replicaMinutes;
  const unreachable = beyond(r.bounds)
    ? "; no policy can"
    : beyond(r.cooldownBounds)
      ? "; no policy keeping the cooldown can"
      : "";
  const met =
    violationsOk && costOk
      ? "yes"
      : `no (${[violationsOk ? "" : "violations", costOk ? "" : "cost"].filter(Boolean).join(", ")})${unreachable}`;
  const vsReactive = (minutes: number) => signed(minutes, q.report.replicaMinutes);
  const cells = [
    r.run.name,
    ratio(p.report.sloViolationMinutes, q.report.sloViolationMinutes),
    ratio(p.overloadMinutes, q.overloadMinutes),
    vsReactive(p.report.replicaMinutes),
    `${ratio(r.perfect.report.sloViolationMinutes, q.report.sloViolationMinutes)} / ${vsReactive(r.perfect.report.replicaMinutes)}`,
    vsReactive(r.bounds.clairvoyantReplicaMinutes),
    vsReactive(r.bounds.lowerBoundReplicaMinutes),
    vsReactive(r.cooldownBounds.lowerBoundReplicaMinutes),
    vsReactive(r.bounds.allowanceReplicaMinutes),
    met,
  ];
  return `| ${cells.join(" | ")} |`;
}

/** What scheduling a trace's surges changes: the same policy, models and replay, told of them or not. */
function scheduledRows(r: TraceResult): string[] {
  const s = r.scheduled;
  if (!s) return [];
  const without = [r.results.predictive, r.settings[ALL_SETTINGS.indexOf(NO_BUDGET)] ?? r.results.predictive];
  const rows = [
    [DEFAULT_SETTING.label, without[0], s.withBudget],
    [NO_BUDGET.label, without[1], s.noBudget],
  ] as const;
  return rows.map(([label, before, after]) => {
    if (!before) return "";
    const fewer =
      before.report.sloViolationMinutes > 0
        ? `${Math.round((100 * (before.report.sloViolationMinutes - after.report.sloViolationMinutes)) / before.report.sloViolationMinutes)} %`
        : "–";
    const cells = [`${r.run.name}, ${label}`, n1(before.report.sloViolationMinutes)];
    cells.push(n1(after.report.sloViolationMinutes), fewer, n0(before.report.replicaMinutes));
    cells.push(
      n0(after.report.replicaMinutes),
      signed(after.report.replicaMinutes, before.report.replicaMinutes),
    );
    return `| ${cells.join(" | ")} |`;
  });
}

/** `a` against `b` as a signed percentage: "+9 %". */
function signed(a: number, b: number): string {
  const extra = Math.round((100 * (a - b)) / b);
  return `${extra >= 0 ? "+" : ""}${extra} %`;
}

/** One row per trace: the predictive policy's violations and cost under each sizing setting. */
function settingsRow(r: TraceResult): string {
  const q = r.results.reactive.report;
  const cells = r.settings.map(({ report }) => {
    const share =
      q.sloViolationMinutes > 0
        ? `${Math.round((100 * report.sloViolationMinutes) / q.sloViolationMinutes)} %`
        : n1(report.sloViolationMinutes);
    return `${share} / ${signed(report.replicaMinutes, q.replicaMinutes)}`;
  });
  return `| ${r.run.name} | ${cells.join(" | ")} |`;
}

const benchmark: Benchmark = {
  name: "scaling",
  title: "Scaling: predictive vs reactive vs static on replayed traces",
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
    const metOn = done.filter((r) => targetMet(r).met).map((r) => r.run.name);
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
        violationPercent: VIOLATION_SHARE * 100,
        extraPercent: EXTRA_COST * 100,
        cooldownMinutes: options.cooldownSeconds / 60,
      }),
      headlineComment({
        figure: `target met on ${metOn.length} of ${done.length} traces${metOn.length > 0 ? ` (${metOn.join(", ")})` : ""}`,
        target: `predictive at most ${VIOLATION_SHARE * 100} % of reactive's SLO-violation minutes at most ${EXTRA_COST * 100} % more replica-minutes`,
        met: metOn.length === done.length,
      }),
      "",
      `| ${[
        "trace",
        "predictive SLO-violation min, share of reactive",
        "overload min, share of reactive",
        "replica-min vs reactive",
        "the policy with a perfect forecast: violations / replica-min",
        "clairvoyant, no violation",
        "any policy within the violations allowed, at least",
        "keeping the cooldown, at least",
        "clairvoyant, within the allowance",
        "target met",
      ].join(" | ")} |`,
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
      ...done.map(verdict),
      "",
      fillTemplate("scaling-safety", {
        sizingQuantile: DEFAULT_TUNING.sizingQuantile,
        bandCap: DEFAULT_TUNING.bandCap,
      }),
      "",
      `| trace | ${ALL_SETTINGS.map((s) => s.label).join(" | ")} |`,
      `| --- | ${ALL_SETTINGS.map(() => "---:").join(" | ")} |`,
      ...done.map(settingsRow),
      "",
      fillTemplate("scaling-scheduled"),
      "",
      "| trace, setting | SLO-violation min, not scheduled | scheduled | fewer | replica-min, not scheduled | scheduled | change |",
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
      ...done.flatMap(scheduledRows),
      "",
      ...done.map(traceTable).flatMap((t) => [t, ""]),
    ].join("\n");
  },
};

export default benchmark;
