/** The quantile the forecast's upper bound stands for: the predictor serves 80 % intervals. */
export const UPPER_BOUND_QUANTILE = 0.9;

/**
 * The standard normal quantile function (probit), by Acklam's rational approximation: relative
 * error under 1.2e-9 over (0, 1), far below anything a forecast band carries.
 */
export function probit(p: number): number {
  if (!(p > 0 && p < 1))
    throw new RangeError(`probit needs a probability strictly between 0 and 1, got ${String(p)}`);
  const tail = Math.min(p, 1 - p);
  if (tail < TAIL) {
    const q = Math.sqrt(-2 * Math.log(tail));
    const x = horner(C, q) / horner(D, q);
    return p > 0.5 ? -x : x;
  }
  const q = p - 0.5;
  const r = q * q;
  return (horner(A, r) * q) / horner(B, r);
}

const TAIL = 0.02425;
const A = [
  -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
  2.506628277459239,
];
const B = [
  -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572, 1,
];
const C = [
  -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416, 1];

/** Evaluates the polynomial with `coefficients` (highest power first) at x. */
function horner(coefficients: readonly number[], x: number): number {
  return coefficients.reduce((sum, c) => sum * x + c, 0);
}

/**
 * Where the `quantile` of a forecast lies between its mean (0) and its upper bound (1), taking
 * the forecast error as normal around the mean, so the position is z(quantile) / z(0.9): the
 * median is the mean, the 75th percentile 53 % of the way to the upper bound.
 */
export function bandPosition(quantile: number): number {
  if (quantile <= 0.5) return 0;
  return probit(quantile) / probit(UPPER_BOUND_QUANTILE);
}
