import type { Rng } from "../../contracts/index.ts";
import { seededRng } from "../../contracts/index.ts";

/** A standard normal variate from a uniform source (Box-Muller transform). */
export function gaussian(rng: Rng): number {
  // 1 - u keeps the logarithm's argument in (0, 1].
  const u = 1 - rng();
  const w = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * w);
}

/** An exponential variate with the given rate (events per unit time): inverse-CDF sampling. */
export function exponential(rng: Rng, rate: number): number {
  return -Math.log(1 - rng()) / rate;
}

/** A Poisson count with the given mean: Knuth's product method for small means, the normal
 * approximation (rounded, never negative) above 30, where its error is negligible. */
export function poisson(rng: Rng, mean: number): number {
  if (mean <= 0) return 0;
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian(rng)));
  const limit = Math.exp(-mean);
  let count = 0;
  let product = rng();
  while (product > limit) {
    count++;
    product *= rng();
  }
  return count;
}

/** A uniform variate in [min, max). */
export function uniform(rng: Rng, min: number, max: number): number {
  return min + (max - min) * rng();
}

/** A fresh generator whose seed is drawn from `rng`, so one seed can feed independent streams
 * whose sequences do not depend on how often the others are consumed. */
export function forkRng(rng: Rng): Rng {
  return seededRng(Math.floor(rng() * 4294967296));
}
