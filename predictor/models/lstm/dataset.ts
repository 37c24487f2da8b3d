import type { FeatureSpec } from "./features.ts";
import { contextFeatureCount, stepFeatureCount, toUnits, writeFeatures } from "./features.ts";

/** Inputs (and, for training, targets with a gap mask) of many origins, as flat arrays. */
export type WindowBatch = {
  count: number;
  seq: Float32Array;
  ctx: Float32Array;
  levels: Float64Array;
  /** Per origin and step: `toUnits(actual) - reference` (0 where the actual is a gap). */
  target: Float32Array;
  /** Per origin and step: 1 where the actual exists, 0 for a gap or beyond the series. */
  mask: Float32Array;
  /** Per origin: what the outputs are residuals over, the last value in units (so a network
   * that has learnt nothing yet forecasts "as now"). */
  reference: Float32Array;
};

/** Builds the inputs, targets and references of every origin. */
export function buildWindows(
  spec: FeatureSpec,
  values: readonly (number | null)[],
  filled: Float64Array,
  start: number,
  origins: readonly number[],
): WindowBatch {
  const count = origins.length;
  const perSeq = spec.window * stepFeatureCount(spec);
  const perCtx = Math.max(1, contextFeatureCount(spec));
  const batch: WindowBatch = {
    count,
    seq: new Float32Array(count * perSeq),
    ctx: new Float32Array(count * perCtx),
    levels: new Float64Array(count),
    target: new Float32Array(count * spec.horizon),
    mask: new Float32Array(count * spec.horizon),
    reference: new Float32Array(count),
  };
  const observed = new Uint8Array(values.length);
  values.forEach((value, i) => {
    observed[i] = value === null ? 0 : 1;
  });
  origins.forEach((o, i) => {
    const level = writeFeatures(
      spec,
      filled,
      observed,
      start,
      o,
      batch.seq,
      i * perSeq,
      batch.ctx,
      i * perCtx,
    );
    const reference = toUnits(filled[Math.max(0, o - 1)] ?? level, level);
    batch.levels[i] = level;
    batch.reference[i] = reference;
    for (let h = 0; h < spec.horizon; h++) {
      const actual = values[o + h];
      if (actual === null || actual === undefined) continue;
      batch.target[i * spec.horizon + h] = toUnits(actual, level) - reference;
      batch.mask[i * spec.horizon + h] = 1;
    }
  });
  return batch;
}
