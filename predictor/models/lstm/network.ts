import * as tf from "@tensorflow/tfjs";

/** Quantiles every horizon step is forecast at: the 80 % interval's ends and the median. */
export const QUANTILES = [0.1, 0.5, 0.9] as const;

/** Shape of the network. */
export type NetworkShape = {
  window: number;
  stepFeatures: number;
  contextFeatures: number;
  horizon: number;
  units: number;
};

/**
 * Recent window -> LSTM -> concatenated with the context (seasonal lags, calendar) -> a ReLU
 * layer -> one output per horizon step and quantile (direct multi-horizon, as in MQ-RNN, Wen et
 * al. 2017: no recursion, so one forward pass gives the whole forecast). A linear path from the
 * same concatenation to the outputs learns the simple corrections (towards the value a season
 * ago, back towards the level), the ReLU layer the rest. Initialisers are seeded so a run repeats.
 */
export function buildNetwork(shape: NetworkShape, seed: number): tf.LayersModel {
  const sequence = tf.input({ shape: [shape.window, shape.stepFeatures], name: "recent" });
  const context = tf.input({ shape: [Math.max(1, shape.contextFeatures)], name: "context" });
  const init = (offset: number) => tf.initializers.glorotUniform({ seed: seed + offset });
  const memory = tf.layers
    .lstm({ units: shape.units, kernelInitializer: init(1), recurrentInitializer: init(2), name: "lstm" })
    .apply(sequence) as tf.SymbolicTensor;
  const joined = tf.layers.concatenate({ name: "join" }).apply([memory, context]) as tf.SymbolicTensor;
  const hidden = tf.layers
    .dense({ units: shape.units, activation: "relu", kernelInitializer: init(3), name: "hidden" })
    .apply(joined) as tf.SymbolicTensor;
  const outputs = shape.horizon * QUANTILES.length;
  // Output layers start at zero, so an untrained network forecasts its reference (the last
  // value) and training only adds what it can justify (residual learning).
  const deep = tf.layers
    .dense({ units: outputs, kernelInitializer: "zeros", name: "deep" })
    .apply(hidden) as tf.SymbolicTensor;
  const wide = tf.layers
    .dense({ units: outputs, kernelInitializer: "zeros", name: "wide" })
    .apply(joined) as tf.SymbolicTensor;
  const output = tf.layers.add({ name: "quantiles" }).apply([deep, wide]) as tf.SymbolicTensor;
  return tf.model({ inputs: [sequence, context], outputs: output, name: "headroom_lstm" });
}

/**
 * Mean pinball (quantile) loss over every horizon step and quantile (Koenker & Bassett 1978);
 * `mask` is 0 where the target was a gap. Predictions are laid out [step][quantile].
 */
export function pinballLoss(predicted: tf.Tensor2D, target: tf.Tensor2D, mask: tf.Tensor2D): tf.Scalar {
  return tf.tidy((): tf.Scalar => {
    const batch = predicted.shape[0];
    const q = tf.tensor1d([...QUANTILES]);
    const p = predicted.reshape([batch, -1, QUANTILES.length]);
    const diff = target.expandDims(2).sub(p);
    const loss = tf.maximum(diff.mul(q), diff.mul(q.sub(1)));
    const weighted = loss.mul(mask.expandDims(2));
    return weighted.sum().div(mask.sum().mul(QUANTILES.length).add(1e-9));
  });
}
