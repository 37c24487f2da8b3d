import type * as tf from "@tensorflow/tfjs";
import type { RegularSeries } from "../../../contracts/index.ts";
import { INTERVAL_COVERAGE, LEVEL_WINDOW, spacedOrigins } from "../intervals.ts";
import type { ForecastModel, ModelTrainer, TrainContext } from "../model.ts";
import { fillGaps, levelFloor, quantileSorted } from "../series-ops.ts";
import type { LstmOptions } from "../types.ts";
import { useBackend } from "./backend.ts";
import type { WindowBatch } from "./dataset.ts";
import { buildWindows } from "./dataset.ts";
import type { FeatureSpec } from "./features.ts";
import { contextFeatureCount, firstOrigin, stepFeatureCount } from "./features.ts";
import { LstmModel, predictQuantiles } from "./lstm-model.ts";
import type { NetworkShape } from "./network.ts";
import { buildNetwork, QUANTILES } from "./network.ts";
import { trainNetwork } from "./train-loop.ts";

/** Defaults, chosen by the measurements in BENCHMARKS.md (forecast-accuracy). */
export const LSTM_DEFAULTS: Required<LstmOptions> = {
  units: 32,
  epochs: 40,
  maxWindows: 6_000,
  window: 12,
  seed: 42,
  members: 1,
};
const BATCH_SIZE = 128;
const LEARNING_RATE = 0.002;
const PATIENCE = 10;
/** The last values repeated in the context vector. */
const RECENT_VALUES = 3;
/** Share of the training origins held out for early stopping and interval calibration. */
const HOLDOUT_SHARE = 0.2;
const MAX_HOLDOUT = 1_000;
const DAY_SECONDS = 86_400;

/** The seasonal lags the network gets: the detected season and, when that is longer, a day. */
export function seasonalLags(seasonSteps: number, stepSeconds: number): number[] {
  if (seasonSteps <= 1) return [];
  const day = Math.round(DAY_SECONDS / stepSeconds);
  return day > 1 && day < seasonSteps && seasonSteps % day === 0 ? [seasonSteps, day] : [seasonSteps];
}

/** The LSTM trainer (see features.ts and network.ts for the design). */
export function lstmTrainer(overrides: LstmOptions = {}): ModelTrainer {
  const options = { ...LSTM_DEFAULTS, ...overrides };
  for (const [name, value] of Object.entries(options)) {
    if (!Number.isInteger(value) || (name !== "seed" && value < 1))
      throw new RangeError(
        `LSTM option ${name} must be a whole number${name === "seed" ? "" : " >= 1"}, got ${value}`,
      );
  }
  return {
    kind: "lstm",
    unsuitable(series, { horizon, seasonSteps }) {
      const lags = seasonalLags(seasonSteps, series.stepSeconds);
      const need = options.window + (lags[0] ?? 0) + 1 + 200 + 2 * horizon;
      return series.values.length < need
        ? `needs at least ${need} points (a season, the window and 200 training windows)`
        : null;
    },
    train: (series, context) => trainLstm(series, context, options),
  };
}

async function trainLstm(
  series: RegularSeries,
  context: TrainContext,
  options: Required<LstmOptions>,
): Promise<ForecastModel> {
  const backend = await useBackend();
  const { horizon } = context;
  const filled = fillGaps(series.values);
  const spec: FeatureSpec = {
    window: options.window,
    horizon,
    stepSeconds: series.stepSeconds,
    lags: seasonalLags(context.seasonSteps, series.stepSeconds),
    levelWindow: LEVEL_WINDOW,
    levelFloor: levelFloor(filled),
    calendar: series.stepSeconds < DAY_SECONDS,
    recent: RECENT_VALUES,
  };
  const n = series.values.length;
  const first = firstOrigin(spec);
  const last = n - horizon;
  const holdoutStart = Math.max(first + 1, Math.round(last - (last - first) * HOLDOUT_SHARE));
  // Training targets end before the held-out origins begin: no window peeks into them.
  const trainOrigins = spacedOrigins(first, holdoutStart - horizon, options.maxWindows);
  const holdoutOrigins = spacedOrigins(holdoutStart, last, MAX_HOLDOUT);
  const train = buildWindows(spec, series.values, filled, series.start, trainOrigins);
  const holdout = buildWindows(spec, series.values, filled, series.start, holdoutOrigins);
  const shape = {
    window: spec.window,
    stepFeatures: stepFeatureCount(spec),
    contextFeatures: Math.max(1, contextFeatureCount(spec)),
    horizon,
    units: options.units,
  };
  const networks: tf.LayersModel[] = [];
  const epochsRun: number[] = [];
  for (let member = 0; member < options.members; member++) {
    const network = buildNetwork(shape, memberSeed(options.seed, member));
    networks.push(network);
    await trainNetwork(network, train, holdout, shape, {
      epochs: options.epochs,
      batchSize: BATCH_SIZE,
      learningRate: LEARNING_RATE,
      patience: PATIENCE,
      rng: context.rng,
      onEpoch: (epoch, trainLoss, validationLoss) => {
        epochsRun[member] = epoch + 1;
        const label = `${options.members > 1 ? `network ${member + 1}/${options.members} ` : ""}epoch ${epoch + 1}/${options.epochs} loss ${trainLoss.toFixed(4)} held-out ${validationLoss.toFixed(4)}`;
        context.onProgress((member + (epoch + 1) / options.epochs) / options.members, label);
      },
    });
  }
  const conformal = await conformalWidening(networks, holdout, shape);
  const version = `lstm1 u${options.units} w${spec.window} h${horizon} lags${spec.lags.join("+") || "0"} x${options.members} e${epochsRun.join("+")}`;
  return new LstmModel(version, new Date(context.now()).toISOString(), backend, networks, {
    spec,
    shape,
    seed: options.seed,
    conformal,
  });
}

/**
 * Conformalised quantile regression (Romano, Patterson & Candes 2019): on held-out windows, how
 * far actual values fall outside the learnt 10 %-90 % band; widening (or narrowing, when
 * negative) the band by the conformal quantile of that distance gives about 80 % coverage.
 */
async function conformalWidening(
  networks: readonly tf.LayersModel[],
  holdout: WindowBatch,
  shape: NetworkShape,
): Promise<number[]> {
  const data = await predictQuantiles(networks, holdout, shape);
  const widening: number[] = [];
  for (let h = 0; h < shape.horizon; h++) {
    const scores: number[] = [];
    for (let i = 0; i < holdout.count; i++) {
      if ((holdout.mask[i * shape.horizon + h] ?? 0) <= 0) continue;
      const y = holdout.target[i * shape.horizon + h] ?? 0;
      const at = (i * shape.horizon + h) * QUANTILES.length;
      const sorted = [data[at] ?? 0, data[at + 1] ?? 0, data[at + 2] ?? 0].sort((a, b) => a - b);
      scores.push(Math.max((sorted[0] ?? 0) - y, y - (sorted[2] ?? 0)));
    }
    scores.sort((a, b) => a - b);
    const level =
      scores.length > 0
        ? Math.min(1, Math.ceil((scores.length + 1) * INTERVAL_COVERAGE) / scores.length)
        : INTERVAL_COVERAGE;
    widening.push(quantileSorted(scores, level));
  }
  return widening;
}

/** The seed of one ensemble member's initialisers. */
export function memberSeed(seed: number, member: number): number {
  return seed + 1_000 * member;
}
