import * as tf from "@tensorflow/tfjs";
import type { RegularSeries, TfBackend } from "../../../contracts/index.ts";
import type { ForecastModel, ModelSnapshot } from "../model.ts";
import { forecastWithAdaptiveIntervals } from "../adaptive-intervals.ts";
import { forecastFromEnd } from "../model.ts";
import { fillGaps } from "../series-ops.ts";
import type { ForecastBand } from "../types.ts";
import type { WindowBatch } from "./dataset.ts";
import { buildWindows } from "./dataset.ts";
import type { FeatureSpec } from "./features.ts";
import { fromUnits } from "./features.ts";
import type { NetworkShape } from "./network.ts";
import { QUANTILES } from "./network.ts";

/** Windows per forward pass when forecasting many origins (bounds memory). */
const PREDICT_BATCH = 512;

/** Everything that restores a trained LSTM besides its weights. */
export type LstmParams = { spec: FeatureSpec; shape: NetworkShape; seed: number; conformal: number[] };

/** A trained LSTM: median forecasts with conformalised 10 %/90 % quantiles. */
export class LstmModel implements ForecastModel {
  readonly kind = "lstm" as const;
  constructor(
    readonly version: string,
    readonly trainedAt: string,
    readonly backend: TfBackend,
    private readonly networks: tf.LayersModel[],
    private readonly params: LstmParams,
  ) {}

  forecast(history: RegularSeries, horizon: number): Promise<ForecastBand> {
    return forecastFromEnd(this, history, horizon);
  }

  forecastOrigins(
    series: RegularSeries,
    origins: readonly number[],
    horizon: number,
  ): Promise<ForecastBand[]> {
    return forecastWithAdaptiveIntervals(series, origins, horizon, (all, h) =>
      this.staticBands(series, all, h),
    );
  }

  /** Bands as calibrated at training time, before adapting to recent misses. */
  async staticBands(
    series: RegularSeries,
    origins: readonly number[],
    horizon: number,
  ): Promise<ForecastBand[]> {
    const { spec, conformal } = this.params;
    if (horizon > spec.horizon)
      throw new RangeError(`this LSTM forecasts ${spec.horizon} steps; ${horizon} were asked`);
    if (series.stepSeconds !== spec.stepSeconds)
      throw new RangeError(
        `this LSTM was trained on ${spec.stepSeconds} s steps; the series has ${series.stepSeconds} s`,
      );
    const filled = fillGaps(series.values);
    const bands: ForecastBand[] = [];
    for (let from = 0; from < origins.length; from += PREDICT_BATCH) {
      const chunk = origins.slice(from, from + PREDICT_BATCH);
      const batch = buildWindows(spec, series.values, filled, series.start, chunk);
      const data = await predictQuantiles(this.networks, batch, this.params.shape);
      const width = spec.horizon * QUANTILES.length;
      chunk.forEach((_, i) => {
        const level = batch.levels[i] ?? 1;
        const band: ForecastBand = { mean: [], lower: [], upper: [] };
        for (let h = 0; h < horizon; h++) {
          const at = i * width + h * QUANTILES.length;
          const reference = batch.reference[i] ?? 0;
          // Sorting repairs the rare crossing of independently learnt quantiles.
          const [q10, q50, q90] = [data[at] ?? 0, data[at + 1] ?? 0, data[at + 2] ?? 0]
            .map((q) => q + reference)
            .sort((a, b) => a - b);
          const widen = conformal[h] ?? 0;
          const median = fromUnits(q50 ?? 0, level);
          band.mean.push(median);
          band.lower.push(Math.min(fromUnits((q10 ?? 0) - widen, level), median));
          band.upper.push(Math.max(fromUnits((q90 ?? 0) + widen, level), median));
        }
        bands.push(band);
      });
    }
    return bands;
  }

  dispose(): void {
    for (const network of this.networks) network.dispose();
  }

  async snapshot(): Promise<ModelSnapshot> {
    const members = await Promise.all(
      this.networks.map(async (network) =>
        Promise.all(
          network.getWeights().map(async (w) => {
            const data = await w.data();
            return {
              shape: w.shape,
              data: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("base64"),
            };
          }),
        ),
      ),
    );
    return {
      kind: this.kind,
      version: this.version,
      trainedAt: this.trainedAt,
      params: { ...this.params, members },
    };
  }
}

/** The networks' outputs for a batch of windows, averaged over the ensemble's members (quantile
 * averaging, "Vincentization", keeps each quantile a quantile). */
export async function predictQuantiles(
  networks: readonly tf.LayersModel[],
  batch: WindowBatch,
  shape: NetworkShape,
): Promise<Float32Array> {
  const output = tf.tidy(() => {
    const seq = tf.tensor3d(batch.seq, [batch.count, shape.window, shape.stepFeatures]);
    const ctx = tf.tensor2d(batch.ctx, [batch.count, batch.ctx.length / Math.max(1, batch.count)]);
    const outputs = networks.map((network) => network.predict([seq, ctx]) as tf.Tensor2D);
    return outputs.length === 1 ? (outputs[0] as tf.Tensor2D) : tf.addN(outputs).div(outputs.length);
  });
  const data = await output.data();
  output.dispose();
  return data as Float32Array;
}
