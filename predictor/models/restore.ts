import * as tf from "@tensorflow/tfjs";
import * as v from "valibot";
import { useBackend } from "./lstm/backend.ts";
import type { LstmParams } from "./lstm/lstm-model.ts";
import { LstmModel } from "./lstm/lstm-model.ts";
import { memberSeed } from "./lstm/lstm-trainer.ts";
import type { NetworkShape } from "./lstm/network.ts";
import { buildNetwork } from "./lstm/network.ts";
import type { ForecastModel, ModelSnapshot } from "./model.ts";
import { restoreHoltWinters } from "./holt-winters-model.ts";
import { restoreMstlEts } from "./mstl-ets.ts";
import { restoreSeasonalNaive } from "./seasonal-naive.ts";
import { finiteNumbers } from "./snapshot-schemas.ts";

const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const lstmParamsSchema = v.strictObject({
  spec: v.strictObject({
    window: count,
    horizon: count,
    stepSeconds: count,
    lags: v.array(count),
    levelWindow: count,
    levelFloor: v.pipe(v.number(), v.finite(), v.minValue(0)),
    calendar: v.boolean(),
    recent: count,
  }),
  shape: v.strictObject({
    window: count,
    stepFeatures: count,
    contextFeatures: count,
    horizon: count,
    units: count,
  }),
  seed: v.number(),
  conformal: finiteNumbers,
  members: v.pipe(
    v.array(v.array(v.strictObject({ shape: v.array(count), data: v.string() }))),
    v.minLength(1, "must hold at least one network"),
  ),
});

/** Turns a snapshot (as saved by `ForecastModel.snapshot`) back into a working model; throws a
 * ValiError naming the field when the saved parameters do not fit the model kind. */
export async function restoreModel(snapshot: ModelSnapshot): Promise<ForecastModel> {
  switch (snapshot.kind) {
    case "seasonal-naive":
      return restoreSeasonalNaive(snapshot);
    case "holt-winters":
      return restoreHoltWinters(snapshot);
    case "mstl-ets":
      return restoreMstlEts(snapshot);
    case "lstm":
      return restoreLstm(snapshot);
  }
}

async function restoreLstm(snapshot: ModelSnapshot): Promise<ForecastModel> {
  const { members, ...params } = v.parse(lstmParamsSchema, snapshot.params);
  const backend = await useBackend();
  const networks = members.map((weights, member) =>
    networkWithWeights(params.shape, memberSeed(params.seed, member), weights),
  );
  return new LstmModel(snapshot.version, snapshot.trainedAt, backend, networks, params satisfies LstmParams);
}

function networkWithWeights(
  shape: NetworkShape,
  seed: number,
  weights: readonly { shape: number[]; data: string }[],
): tf.LayersModel {
  const network = buildNetwork(shape, seed);
  const expected = network.getWeights();
  if (expected.length !== weights.length)
    throw new Error(
      `the saved LSTM has ${weights.length} weight tensors; its shape needs ${expected.length}`,
    );
  const tensors = weights.map((w, i) => {
    const bytes = Buffer.from(w.data, "base64");
    const values = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    const want = expected[i]?.shape ?? [];
    if (w.shape.join("x") !== want.join("x") || values.length !== w.shape.reduce((a, b) => a * b, 1)) {
      throw new Error(
        `saved LSTM weight ${i} has shape ${w.shape.join("x")} (${values.length} values); expected ${want.join("x")}`,
      );
    }
    return tf.tensor(Float32Array.from(values), w.shape);
  });
  network.setWeights(tensors);
  for (const t of tensors) t.dispose();
  return network;
}
