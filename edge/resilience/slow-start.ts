/**
 * Slow start, as Envoy's slow_start_config: an origin that starts serving again (back from
 * ejection, newly added, healthy again, or undrained) ramps its weight from 10 % to 100 % over
 * the window. The ramp moves in tenths so the routing plan is rebuilt at most ten times per
 * window instead of on every request.
 */

const STEPS = 10;
const MIN_FACTOR = 1 / STEPS;

/** The weight factor at `now` and when it next changes (Infinity once the ramp is over). */
export function rampFactor(
  rampStart: number,
  now: number,
  windowMs: number,
): { factor: number; nextChangeAt: number } {
  if (windowMs <= 0 || !Number.isFinite(rampStart)) return { factor: 1, nextChangeAt: Infinity };
  const elapsed = now - rampStart;
  if (elapsed >= windowMs) return { factor: 1, nextChangeAt: Infinity };
  const step = Math.max(0, Math.floor((elapsed / windowMs) * STEPS));
  return {
    factor: Math.max(MIN_FACTOR, step / STEPS),
    nextChangeAt: rampStart + ((step + 1) * windowMs) / STEPS,
  };
}
