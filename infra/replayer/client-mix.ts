import type { Rng } from "../../contracts/index.ts";
import { activityAt, DEFAULT_DAILY_PROFILE } from "../traces/daily-profile.ts";
import type { City } from "./cities.ts";

/** Picks where each request comes from. */
export type ClientMix = {
  /** A client city for a request sent at trace time `traceTime` (epoch ms). */
  pick(rng: Rng, traceTime: number): City;
  /** Each city's share of the traffic at trace time `traceTime` (shares sum to 1). */
  shares(traceTime: number): { city: City; share: number }[];
};

/** Recomputing the weights once per trace minute is exact enough for a daily cycle. */
const RESAMPLE_MS = 60_000;

/**
 * A weighted mix of cities. With `followSun`, each city's weight is scaled by its audience's
 * activity at its local time (the generator's daily profile), so the traffic's centre of mass
 * travels west with the day, as a global service's does.
 */
export function createClientMix(cities: readonly City[], options: { followSun: boolean }): ClientMix {
  const first = cities[0];
  if (!first) throw new Error("a client mix needs at least one city");
  let cachedMinute = Number.NaN;
  let cumulative: number[] = [];
  const weightsAt = (traceTime: number): number[] =>
    cities.map(
      (city) =>
        city.weight *
        (options.followSun
          ? activityAt(traceTime, { ...DEFAULT_DAILY_PROFILE, utcOffsetHours: city.utcOffsetHours })
          : 1),
    );
  const cumulativeAt = (traceTime: number): number[] => {
    const minute = options.followSun ? Math.floor(traceTime / RESAMPLE_MS) : 0;
    if (minute !== cachedMinute) {
      cachedMinute = minute;
      let sum = 0;
      cumulative = weightsAt(traceTime).map((weight) => (sum += weight));
    }
    return cumulative;
  };
  return {
    pick(rng, traceTime) {
      const sums = cumulativeAt(traceTime);
      const target = rng() * (sums[sums.length - 1] ?? 0);
      let lo = 0;
      let hi = sums.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((sums[mid] ?? 0) > target) hi = mid;
        else lo = mid + 1;
      }
      return cities[lo] ?? first;
    },
    shares(traceTime) {
      const weights = weightsAt(traceTime);
      const total = weights.reduce((sum, weight) => sum + weight, 0);
      return cities.map((city, i) => ({ city, share: (weights[i] ?? 0) / total }));
    },
  };
}
