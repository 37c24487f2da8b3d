import type { MetricName, ModelKind, Rng } from "../../contracts/index.ts";
import { waitingReason } from "../../contracts/index.ts";
import type { SavedSeriesModel } from "../model-store/saved-model.ts";
import { SAVED_MODEL_FORMAT } from "../model-store/saved-model.ts";
import { modelTrainers } from "../models/index.ts";
import { selectModel } from "../models/selection.ts";
import { observedCount } from "../models/series-ops.ts";
import type { LstmOptions, ModelScore } from "../models/types.ts";
import type { SeriesStore } from "../store/series-store.ts";
import type { ModelRegistry } from "./model-registry.ts";

export type TrainDeps = {
  series: SeriesStore;
  registry: ModelRegistry;
  now: () => number;
  rng: () => Rng;
  horizon: number;
  /** Fewest observed points before a series is trained (smaller series wait). */
  minPoints: number;
  kinds?: readonly ModelKind[];
  lstm?: LstmOptions;
  onProgress?: (fraction: number, label: string) => void;
};

/** What training one series did. */
export type TrainOutcome =
  | {
      status: "trained";
      kind: ModelKind;
      version: string;
      scores: Partial<Record<ModelKind, ModelScore>>;
      seconds: number;
    }
  | { status: "waiting"; reason: string; have: number; need: number };

/**
 * Trains every model on a series' whole retained history, keeps the best by backtest, saves it
 * (atomically) and serves it from now on. A series with too little data yet is left waiting.
 */
export async function trainSeries(
  origin: string,
  metric: MetricName,
  deps: TrainDeps,
): Promise<TrainOutcome> {
  const now = deps.now();
  const current = deps.series.bucketOf(now);
  const from = current - deps.series.retentionSeconds * 1000 + deps.series.stepMs;
  const history = await deps.series.read(origin, metric, from, current);
  // Leading gaps (before the series began) carry nothing: start at the first point.
  const first = history.values.findIndex((x) => x !== null);
  const series =
    first <= 0
      ? history
      : {
          ...history,
          start: history.start + first * deps.series.stepMs,
          values: history.values.slice(first),
        };
  const observed = observedCount(series.values);
  const need = Math.max(deps.minPoints, 4 * deps.horizon + 10);
  if (first < 0 || observed < need)
    return { status: "waiting", reason: waitingReason(observed, need), have: observed, need };
  const started = performance.now();
  const selection = await selectModel(
    series,
    {
      horizon: deps.horizon,
      kinds: deps.kinds,
      now: deps.now,
      rng: deps.rng(),
      lstm: deps.lstm,
      onProgress: deps.onProgress,
    },
    modelTrainers({ lstm: deps.lstm }),
  );
  const best = selection.best;
  const saved: SavedSeriesModel = {
    format: SAVED_MODEL_FORMAT,
    origin,
    metric,
    stepSeconds: deps.series.stepSeconds,
    horizon: deps.horizon,
    seasonSteps: selection.seasonSteps,
    historySteps: series.values.length,
    scores: selection.scores,
    trainSeconds: selection.trainSeconds,
    skipped: selection.skipped,
    model: await best.snapshot(),
  };
  for (const model of Object.values(selection.forecasters)) if (model !== best) model.dispose();
  await deps.registry.put(saved, best);
  return {
    status: "trained",
    kind: best.kind,
    version: best.version,
    scores: selection.scores,
    seconds: (performance.now() - started) / 1000,
  };
}
