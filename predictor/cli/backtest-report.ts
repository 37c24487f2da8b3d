import type { ModelKind } from "../../contracts/index.ts";
import type { TrainedSelection } from "../models/types.ts";

/** The backtest command's JSON contract (docs/architecture.md, "Commands"). */
export type BacktestReport = {
  points: number;
  stepSeconds: number;
  horizon: number;
  models: Partial<Record<ModelKind, { mase: number; smape: number; mae: number }>>;
  best: ModelKind;
  trainSeconds: number;
};

/** Shapes a training outcome as the backtest command's JSON object. */
export function backtestReport(
  selection: TrainedSelection,
  facts: { points: number; stepSeconds: number; horizon: number; trainSeconds: number },
): BacktestReport {
  const models: BacktestReport["models"] = {};
  for (const [kind, score] of Object.entries(selection.scores) as [
    ModelKind,
    { mase: number; smape: number; mae: number },
  ][]) {
    models[kind] = { mase: round(score.mase), smape: round(score.smape), mae: round(score.mae) };
  }
  return {
    points: facts.points,
    stepSeconds: facts.stepSeconds,
    horizon: facts.horizon,
    models,
    best: selection.best.kind,
    trainSeconds: round(facts.trainSeconds),
  };
}

/** A readable table of the same, for a terminal. */
export function formatReportTable(report: BacktestReport, selection: TrainedSelection): string {
  const lines = [
    `${report.points} points at ${report.stepSeconds} s, season ${selection.seasonSteps} steps, horizon ${report.horizon} steps`,
    "",
    "model            MASE     sMAPE %   MAE          80% coverage  train s  backend",
  ];
  for (const [kind, score] of Object.entries(selection.scores) as [
    ModelKind,
    { mase: number; smape: number; mae: number; coverage?: number },
  ][]) {
    const coverage = score.coverage === undefined ? "-" : `${(score.coverage * 100).toFixed(1)} %`;
    const seconds = selection.trainSeconds?.[kind]?.toFixed(1) ?? "-";
    const backend = selection.forecasters[kind]?.backend ?? "-";
    lines.push(
      `${kind.padEnd(16)} ${score.mase.toFixed(3).padEnd(8)} ${score.smape.toFixed(2).padEnd(9)} ${score.mae.toPrecision(5).padEnd(12)} ${coverage.padEnd(13)} ${seconds.padEnd(8)} ${backend}`,
    );
  }
  lines.push("", `best: ${report.best} (serves forecasts); total ${report.trainSeconds} s`);
  return `${lines.join("\n")}\n`;
}

/** Six significant digits: enough for any comparison, stable in JSON. */
function round(x: number): number {
  return Number(x.toPrecision(6));
}
