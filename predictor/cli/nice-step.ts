/** Steps people configure, in seconds: 1 s to 1 day. */
const NICE_STEPS = [
  1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 900, 1_200, 1_800, 3_600, 7_200, 10_800, 21_600, 43_200, 86_400,
];

/** Snaps a measured step (the median spacing of jittery timestamps, e.g. 299 s) to the nearest
 * conventional one when within 3 %; otherwise keeps it. */
export function niceStepSeconds(measured: number): number {
  let best = measured;
  let bestRatio = Number.POSITIVE_INFINITY;
  for (const step of NICE_STEPS) {
    const ratio = Math.abs(measured - step) / step;
    if (ratio <= 0.03 && ratio < bestRatio) {
      best = step;
      bestRatio = ratio;
    }
  }
  return best;
}
