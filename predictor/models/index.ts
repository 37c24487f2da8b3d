/**
 * The predictor's public models entry: train every model kind on a series, score each by
 * rolling-origin backtest and serve the best. The scaler's replay simulator uses this and
 * nothing else of the predictor.
 */
import type { RegularSeries } from "../../contracts/index.ts";
import { holtWintersTrainer } from "./holt-winters-model.ts";
import { lstmTrainer } from "./lstm/lstm-trainer.ts";
import type { ModelTrainer } from "./model.ts";
import { mstlEtsTrainer } from "./mstl-ets.ts";
import { seasonalNaiveTrainer } from "./seasonal-naive.ts";
import { selectModel } from "./selection.ts";
import type { TrainedSelection, TrainOptions } from "./types.ts";

export type * from "./types.ts";
export { detectSeasonSteps } from "./season.ts";

/** Every model kind's trainer, simplest first. */
export function modelTrainers(options: Pick<TrainOptions, "lstm"> = {}): ModelTrainer[] {
  return [seasonalNaiveTrainer, holtWintersTrainer, mstlEtsTrainer, lstmTrainer(options.lstm)];
}

/** Trains every model kind on `series`, scores each by rolling-origin backtest over its last
 * 20 %, and returns the best by MASE (it serves forecasts), every score and every model. */
export async function trainForecasters(
  series: RegularSeries,
  options: TrainOptions,
): Promise<TrainedSelection> {
  return selectModel(series, options, modelTrainers(options));
}
