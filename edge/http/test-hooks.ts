import type { Rng } from "../../contracts/random.ts";
import { seededRng } from "../../contracts/random.ts";

/** Request header that sets the request's clock (epoch ms), honoured only with TEST_HOOKS. */
export const TEST_NOW_HEADER = "x-lb-test-now";
/** Request header that seeds the request's randomness, honoured only with TEST_HOOKS. */
export const TEST_SEED_HEADER = "x-lb-test-seed";

/** A request's time and randomness: workerd freezes the clock during a request and cannot seed
 * Math.random, so tests (and only tests: TEST_HOOKS = "true") may set both by header. */
export type RequestClock = { now: number; clock: () => number; rng: Rng };

/** The clock and rng of one request; `realNow` and `random` are the runtime's. */
export function requestClock(
  headers: Headers,
  hooks: boolean,
  realNow: () => number,
  random: Rng,
): RequestClock {
  const started = realNow();
  // Without hooks the request's clock is the runtime's own: nothing to build.
  if (!hooks) return { now: started, clock: realNow, rng: random };
  let now = started;
  let rng = random;
  const nowText = headers.get(TEST_NOW_HEADER);
  const seedText = headers.get(TEST_SEED_HEADER);
  if (nowText !== null && /^\d{1,16}$/.test(nowText)) now = Number(nowText);
  if (seedText !== null && /^\d{1,10}$/.test(seedText)) rng = seededRng(Number(seedText));
  const base = now;
  return { now, clock: () => base + (realNow() - started), rng };
}
