import * as tf from "@tensorflow/tfjs";
import type { Rng } from "../../../contracts/index.ts";
import type { WindowBatch } from "./dataset.ts";
import { pinballLoss } from "./network.ts";

export type TrainLoopOptions = {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Epochs without a better validation loss before stopping. */
  patience: number;
  rng: Rng;
  onEpoch: (epoch: number, trainLoss: number, validationLoss: number) => void;
};

/** Tensors of a window batch shaped for the network. */
function tensorsOf(batch: WindowBatch, window: number, stepFeatures: number, horizon: number) {
  const contextWidth = batch.ctx.length / Math.max(1, batch.count);
  return {
    seq: tf.tensor3d(batch.seq, [batch.count, window, stepFeatures]),
    ctx: tf.tensor2d(batch.ctx, [batch.count, contextWidth]),
    target: tf.tensor2d(batch.target, [batch.count, horizon]),
    mask: tf.tensor2d(batch.mask, [batch.count, horizon]),
  };
}

/**
 * Mini-batch Adam on the pinball loss, shuffled by the injected `rng` (tfjs's own shuffle uses
 * Math.random), keeping the weights of the epoch with the lowest validation loss (early stopping,
 * Prechelt 1998). Returns that loss.
 */
export async function trainNetwork(
  model: tf.LayersModel,
  train: WindowBatch,
  validation: WindowBatch,
  shape: { window: number; stepFeatures: number; horizon: number },
  options: TrainLoopOptions,
): Promise<number> {
  const t = tensorsOf(train, shape.window, shape.stepFeatures, shape.horizon);
  const v = tensorsOf(validation, shape.window, shape.stepFeatures, shape.horizon);
  const optimizer = tf.train.adam(options.learningRate);
  const variables = model.trainableWeights
    .map((w) => w.read())
    .filter((x): x is tf.Variable => x instanceof tf.Variable);
  let best = Number.POSITIVE_INFINITY;
  let bestWeights: tf.Tensor[] | null = null;
  let sinceBest = 0;
  try {
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      const order = shuffled(train.count, options.rng);
      let lossSum = 0;
      for (let from = 0; from < train.count; from += options.batchSize) {
        const indices = tf.tensor1d(order.subarray(from, from + options.batchSize), "int32");
        const cost = optimizer.minimize(
          () => {
            const predicted = model.apply([tf.gather(t.seq, indices), tf.gather(t.ctx, indices)], {
              training: true,
            }) as tf.Tensor2D;
            return pinballLoss(predicted, tf.gather(t.target, indices), tf.gather(t.mask, indices));
          },
          true,
          variables,
        );
        indices.dispose();
        if (cost) {
          lossSum += (await cost.data())[0] ?? 0;
          cost.dispose();
        }
        // A macrotask break per batch: tfjs's data() resolves in a microtask, so without this a
        // training would starve timers (BullMQ's lock renewal) and HTTP requests for minutes.
        await new Promise((resolve) => setImmediate(resolve));
      }
      const validationLoss = tf.tidy(() =>
        pinballLoss(model.apply([v.seq, v.ctx]) as tf.Tensor2D, v.target, v.mask),
      );
      const vl = (await validationLoss.data())[0] ?? Number.POSITIVE_INFINITY;
      validationLoss.dispose();
      options.onEpoch(epoch, lossSum / Math.ceil(train.count / options.batchSize), vl);
      if (vl < best - 1e-6) {
        best = vl;
        sinceBest = 0;
        bestWeights?.forEach((w) => {
          w.dispose();
        });
        bestWeights = model.getWeights().map((w) => w.clone());
      } else if (++sinceBest >= options.patience) {
        break;
      }
    }
    if (bestWeights) model.setWeights(bestWeights);
    return best;
  } finally {
    bestWeights?.forEach((w) => {
      w.dispose();
    });
    optimizer.dispose();
    for (const tensor of [...Object.values(t), ...Object.values(v)]) tensor.dispose();
  }
}

/** A Fisher-Yates permutation of 0..n-1 drawn from `rng`. */
export function shuffled(n: number, rng: Rng): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const a = order[i] ?? 0;
    order[i] = order[j] ?? 0;
    order[j] = a;
  }
  return order;
}
