import type { Rng } from "../../contracts/index.ts";
import { uniform } from "./random-variates.ts";

/** A sudden surge of visitors (a link on a front page, a push notification, a sale): load rises
 * within minutes, then decays exponentially as interest fades. */
export type FlashCrowd = {
  /** When the surge starts (epoch ms). */
  at: number;
  /** Extra load at the crest, as a multiple of the trace's base level. */
  magnitude: number;
  /** Minutes from the start to the crest (linear rise). */
  riseMinutes: number;
  /** Time constant of the exponential decay after the crest, in minutes. */
  decayMinutes: number;
};

/** The mean shape of random flash crowds; each one varies around it. */
export type FlashCrowdShape = { magnitude: number; riseMinutes: number; decayMinutes: number };

const MINUTE_MS = 60_000;

/** Extra load of one flash crowd at time `t`, as a multiple of the base level (0 outside it).
 * Linear rise then exponential decay: the shape flash-crowd studies report for web events
 * (e.g. Jung, Krishnamurthy and Rabinovich, WWW 2002). */
export function flashCrowdLoad(crowd: FlashCrowd, t: number): number {
  const elapsed = t - crowd.at;
  if (elapsed < 0) return 0;
  const rise = crowd.riseMinutes * MINUTE_MS;
  if (elapsed < rise) return crowd.magnitude * (elapsed / rise);
  return crowd.magnitude * Math.exp(-(elapsed - rise) / (crowd.decayMinutes * MINUTE_MS));
}

/** Places `count` flash crowds at random in [start, end), away from the edges so each one's
 * rise and most of its decay fall inside the trace; each varies by ±40 % around `shape`. */
export function planFlashCrowds(
  rng: Rng,
  count: number,
  start: number,
  end: number,
  shape: FlashCrowdShape,
): FlashCrowd[] {
  const span = end - start;
  const crowds: FlashCrowd[] = [];
  for (let i = 0; i < count; i++) {
    crowds.push({
      at: Math.round(start + span * uniform(rng, 0.1, 0.9)),
      magnitude: shape.magnitude * uniform(rng, 0.6, 1.4),
      riseMinutes: shape.riseMinutes * uniform(rng, 0.6, 1.4),
      decayMinutes: shape.decayMinutes * uniform(rng, 0.6, 1.4),
    });
  }
  return crowds.sort((a, b) => a.at - b.at);
}
