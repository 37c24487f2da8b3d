import type { ModelKind, RegularSeries } from "../../contracts/index.ts";
import { MODEL_KINDS, seededRng } from "../../contracts/index.ts";
import { seasonalNaiveScale } from "../backtest/metrics.ts";
import { planBacktest, scoreModel } from "../backtest/rolling-origin.ts";
import type { ForecastModel, ModelTrainer, TrainContext } from "./model.ts";
import { headOf, observedCount } from "./series-ops.ts";
import { detectSeasonSteps } from "./season.ts";
import type { ModelScore, TrainOptions } from "./types.ts";

/** Simplest first: on a tie in backtest MASE the simpler model serves. */
const SIMPLICITY: readonly ModelKind[] = ["seasonal-naive", "holt-winters", "mstl-ets", "lstm"];

/** Every trained model, its backtest score, and which one serves. */
export type ModelSelection = {
  best: ForecastModel;
  scores: Partial<Record<ModelKind, ModelScore>>;
  forecasters: Partial<Record<ModelKind, ForecastModel>>;
  seasonSteps: number;
  trainSeconds: Partial<Record<ModelKind, number>>;
  skipped: Partial<Record<ModelKind, string>>;
  /** Points of the series the models were fitted on (the rest was held out and scored). */
  trainEnd: number;
};

/**
 * Trains every requested model on the first 80 % of the series, scores each by a rolling-origin
 * backtest over the last 20 % (MASE scaled by the training part's seasonal-naive error at the
 * detected season), and picks the lowest MASE to serve. The models keep the parameters that were
 * scored, so the accuracy a forecast reports is the accuracy of the model that made it.
 */
export async function selectModel(
  series: RegularSeries,
  options: TrainOptions,
  trainers: readonly ModelTrainer[],
  clock: () => number = () => performance.now(),
): Promise<ModelSelection> {
  const horizon = options.horizon;
  if (!Number.isInteger(horizon) || horizon < 1)
    throw new RangeError(`horizon must be a whole number of steps >= 1, got ${horizon}`);
  if (observedCount(series.values) < 2 * horizon + 2) {
    throw new RangeError(
      `the series has ${observedCount(series.values)} observed points: too few to train and score a ${horizon}-step forecast`,
    );
  }
  const seasonSteps = detectSeasonSteps(series);
  const plan = planBacktest(series.values.length, horizon);
  const train = headOf(series, plan.trainEnd);
  const scale = seasonalNaiveScale(train.values, seasonSteps);
  const kinds = options.kinds ?? MODEL_KINDS;
  const chosen = trainers.filter((t) => kinds.includes(t.kind));
  const onProgress = options.onProgress ?? (() => undefined);
  const weights = chosen.map((t) => (t.kind === "lstm" ? 20 : 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const found: Omit<ModelSelection, "best"> = {
    scores: {},
    forecasters: {},
    seasonSteps,
    trainSeconds: {},
    skipped: {},
    trainEnd: plan.trainEnd,
  };
  let done = 0;
  for (const [i, trainer] of chosen.entries()) {
    const weight = weights[i] ?? 1;
    const why = trainer.unsuitable(train, { horizon, seasonSteps });
    if (why !== null) {
      found.skipped[trainer.kind] = why;
      done += weight;
      continue;
    }
    const context: TrainContext = {
      horizon,
      seasonSteps,
      now: options.now ?? Date.now,
      rng: options.rng ?? seededRng(1),
      onProgress: (fraction, label) => {
        onProgress((done + weight * Math.min(1, Math.max(0, fraction))) / total, `${trainer.kind}: ${label}`);
      },
    };
    const started = clock();
    context.onProgress(0, "training");
    const model = await trainer.train(train, context);
    context.onProgress(1, "scoring");
    found.scores[trainer.kind] = await scoreModel(model, series, plan, scale);
    found.trainSeconds[trainer.kind] = (clock() - started) / 1000;
    found.forecasters[trainer.kind] = model;
    done += weight;
  }
  const ranked = SIMPLICITY.filter((kind) => found.forecasters[kind] !== undefined).sort(
    (a, b) => (found.scores[a]?.mase ?? Infinity) - (found.scores[b]?.mase ?? Infinity),
  );
  const bestKind = ranked[0];
  const best = bestKind === undefined ? undefined : found.forecasters[bestKind];
  if (!best)
    throw new Error(
      `no model could be trained: ${Object.entries(found.skipped)
        .map(([k, why]) => `${k} ${why}`)
        .join("; ")}`,
    );
  return { ...found, best };
}
