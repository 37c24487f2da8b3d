import * as v from "valibot";

const finiteArray = v.array(v.pipe(v.number(), v.finite()));

/** Saved interval offsets (see intervals.ts). */
export const intervalOffsetsSchema = v.strictObject({
  lower: finiteArray,
  upper: finiteArray,
  levelWindow: v.pipe(v.number(), v.integer(), v.minValue(1)),
  levelFloor: v.pipe(v.number(), v.finite(), v.minValue(0)),
});

/** A finite number array, as saved model parameters hold them. */
export const finiteNumbers = finiteArray;
