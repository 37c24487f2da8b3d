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

const LSTM_EPOCHS = 10;

/** A trace to replay; `events`, when it has surges an operator could have scheduled. */
type TraceRun = { name: string; series: LoadSeries; note: string; events?: ScheduledEvent[] };
type Setting = { label: string; violationBudget: number; tuning?: Partial<PolicyTuning> };
/** Wall-clock seconds of the parts of one trace's run the README quotes. */
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
    return `| ${policy} | ${n1(report.sloViolationMinutes)} | ${n1(overloadMinutes)} | ${n0(report.replicaMinutes)} | ${n0(report.overProvisionedReplicaMinutes)} | ${report.scalingActions} | ${report.thetaU.toFixed(2)} | ${report.thetaO.toFixed(2)} | ${report.tauU.toFixed(2)} | ${report.tauO.toFixed(2)} |`;
  });
  return [
    `### ${r.run.name}`,
    "",
    `${r.run.note} Replayed: the last ${r.replayDays.toFixed(1)} days; one replica takes ${n1(r.rpsPerReplica)}/s; forecasts from ${r.model}, trained and scored in ${r.trainSeconds.toFixed(1)} s; the predictive replay took ${r.timings.predictiveReplay.toFixed(1)} s, the bounds ${r.timings.bounds.toFixed(1)} s and ${r.timings.cooldownBounds.toFixed(1)} s with the cooldown.`,
    "",
    "| policy | SLO-violation min (> 70 %) | overload min (> 100 %) | replica-min | over-provisioned replica-min | scaling actions | θU % | θO % | τU % | τO % |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows,
  ].join("\n");
}

function verdict(r: TraceResult): string {
  const p = r.results.predictive;
  const q = r.results.reactive;
  const ratio = (a: number, b: number) => (b > 0 ? `${Math.round((100 * a) / b)} %` : a > 0 ? "∞" : "0 of 0");
  const violationsOk =
    p.report.sloViolationMinutes <= VIOLATION_SHARE * q.report.sloViolationMinutes ||
    (p.report.sloViolationMinutes === 0 && q.report.sloViolationMinutes === 0);
  const costOk = p.report.replicaMinutes <= (1 + EXTRA_COST) * q.report.replicaMinutes;
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
  return `| ${r.run.name} | ${ratio(p.report.sloViolationMinutes, q.report.sloViolationMinutes)} | ${ratio(p.overloadMinutes, q.overloadMinutes)} | ${signed(p.report.replicaMinutes, q.report.replicaMinutes)} | ${ratio(r.perfect.report.sloViolationMinutes, q.report.sloViolationMinutes)} / ${signed(r.perfect.report.replicaMinutes, q.report.replicaMinutes)} | ${signed(r.bounds.clairvoyantReplicaMinutes, q.report.replicaMinutes)} | ${signed(r.bounds.lowerBoundReplicaMinutes, q.report.replicaMinutes)} | ${signed(r.cooldownBounds.lowerBoundReplicaMinutes, q.report.replicaMinutes)} | ${signed(r.bounds.allowanceReplicaMinutes, q.report.replicaMinutes)} | ${met} |`;
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
    return `| ${r.run.name}, ${label} | ${n1(before.report.sloViolationMinutes)} | ${n1(after.report.sloViolationMinutes)} | ${fewer} | ${n0(before.report.replicaMinutes)} | ${n0(after.report.replicaMinutes)} | ${signed(after.report.replicaMinutes, before.report.replicaMinutes)} |`;
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
    return [
      `Each trace is replayed against one simulated origin (replicas boot in ${options.bootSeconds / 60} min; target utilisation ${options.targetUtilization * 100} %; the predictive policy acts ${(options.bootSeconds + 60) / 60} min ahead, scales in after a ${options.cooldownSeconds / 60}-minute cooldown and is evaluated every ${options.intervalSeconds} s; the reactive one is the Kubernetes HPA with its defaults; the static fleet is sized for the trace's median). The models train on the first ${options.trainFraction * 100} % of each trace (${kinds ? kinds.join(" and ") : `every model kind, the LSTM for ${LSTM_EPOCHS} epochs; the best by backtest serves`}); every policy is scored on the rest. An SLO-violation minute has the load above ${options.targetUtilization * 100} % of the serving capacity (the SLO's target); an overload minute above all of it. Definitions: README, section "The scaler".`,
      "",
      `Target: predictive at most ${VIOLATION_SHARE * 100} % of reactive's SLO-violation minutes, with at most ${EXTRA_COST * 100} % more replica-minutes. What is possible at all: "clairvoyant, no violation" is the cheapest fleet with no violation minute for a policy that knows the whole future (every replica paid from a boot time before it serves); "any policy, at least" is a certain lower bound on the replica-minutes of every policy, clairvoyant or not, that keeps within the target's violation minutes (a Lagrangian dual: each violation minute priced in replica-minutes, boot time paid); "clairvoyant, within the allowance" is the cheapest plan that bound found which a policy knowing the future could follow. Where the bound is above +${EXTRA_COST * 100} %, no policy can meet the target on that trace; where the plan is below it, the target is within reach of a policy that knew the future. "Keeping the cooldown, at least" is the same certain bound for every policy that lets a replica go only once the load has stayed low enough without it for the ${options.cooldownSeconds / 60}-minute cooldown, as the scale-in rule does (each replica released is paid a cooldown after its last use); where it is above +${EXTRA_COST * 100} %, no policy keeping the cooldown can meet the target, even one that knew the future. "The policy with a perfect forecast" replays the same policy fed the trace's own future (no band): what acting a lead ahead, the cooldown and whole replicas cost when the forecast is not to blame; the rest of the gap to it is the forecast's.`,
      "",
      "| trace | predictive SLO-violation min, share of reactive | overload min, share of reactive | replica-min vs reactive | the policy with a perfect forecast: violations / replica-min | clairvoyant, no violation | any policy within the violations allowed, at least | keeping the cooldown, at least | clairvoyant, within the allowance | target met |",
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
      ...done.map(verdict),
      "",
      `The cost of safety: \`policy.violationBudget\` is the share of time an origin may run above its target where sizing could have prevented it (a burst beyond even the top of the forecast is not counted); each origin's sizing quantile adapts to spend it (0: every origin sized at \`policy.sizingQuantile\`, ${DEFAULT_TUNING.sizingQuantile}, the top of the forecast's 80 % band); every column but the last reads the band no wider than \`policy.bandCap\` (${DEFAULT_TUNING.bandCap}) of the forecast's mean; the next to last adds \`policy.excursionPrice\` 3 (off by default), which leaves a forecast spike too short to pay for booting to the spill; the last reads the band whole, as served (cap 0). Each cell: predictive SLO-violation minutes as a share of reactive's / replica-minutes against reactive's, same models and replay.`,
      "",
      `| trace | ${ALL_SETTINGS.map((s) => s.label).join(" | ")} |`,
      `| --- | ${ALL_SETTINGS.map(() => "---:").join(" | ")} |`,
      ...done.map(settingsRow),
      "",
      'What scheduling the surges changes: the synthetic trace\'s flash crowds scheduled as events (README, "Scheduled events"), as an operator who planned them would (from each start until its extra load has decayed to about 14 % of the crest, expecting the highest load there), replayed by the same predictive policy with the same models; no forecast knows when a crowd comes.',
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
