import type { Rng, TracePoint } from "../../contracts/index.ts";
import { ValidationError } from "../../contracts/index.ts";
import { activityAt, DEFAULT_DAILY_PROFILE } from "./daily-profile.ts";
import type { DailyProfile } from "./daily-profile.ts";
import type { FlashCrowd } from "./flash-crowds.ts";
import { flashCrowdLoad, planFlashCrowds } from "./flash-crowds.ts";
import { forkRng, gaussian } from "./random-variates.ts";
import type { TraceOptions, TraceOptionsInput } from "./trace-options.ts";
import { resolveTraceOptions } from "./trace-options.ts";

/** A generated trace with what went into it, so callers (and tests) know where the surges are. */
export type GeneratedTrace = {
  points: TracePoint[];
  flashCrowds: FlashCrowd[];
  options: TraceOptions;
  profile: DailyProfile;
};

const DAY_MS = 86_400_000;

/**
 * A log-normal AR(1) multiplier: x' = φx + σ√(1-φ²)·z with φ = exp(-step/τ), so deviations
 * persist for about τ whatever the step, and exp(x - σ²/2) keeps the mean multiplier at 1.
 */
function autocorrelatedNoise(
  rng: Rng,
  sigma: number,
  stepSeconds: number,
  correlationMinutes: number,
): () => number {
  const phi = Math.exp(-stepSeconds / (correlationMinutes * 60));
  const innovation = sigma * Math.sqrt(1 - phi * phi);
  let x = sigma * gaussian(rng);
  return () => {
    const value = Math.exp(x - (sigma * sigma) / 2);
    x = phi * x + innovation * gaussian(rng);
    return value;
  };
}

/**
 * Generates a realistic load trace: weekday/weekend daily cycles with morning and evening peaks,
 * a slow linear trend, autocorrelated multiplicative noise and flash crowds. Same options and
 * same seed, same trace. Throws a ValidationError naming every bad option.
 */
export function generateTrace(input: TraceOptionsInput, rng: Rng): GeneratedTrace {
  const resolved = resolveTraceOptions(input);
  if (!resolved.ok) throw new ValidationError("trace options", resolved.issues);
  const options = resolved.value;
  const profile: DailyProfile = { ...DEFAULT_DAILY_PROFILE, ...options.profile };
  const stepMs = options.stepSeconds * 1000;
  const count = Math.max(1, Math.floor((options.days * DAY_MS) / stepMs));
  const end = options.start + count * stepMs;
  // Independent streams: changing the number of flash crowds does not reshuffle the noise.
  const crowdRng = forkRng(rng);
  const noiseRng = forkRng(rng);
  const flashCrowds =
    options.flashCrowdsAt ??
    planFlashCrowds(crowdRng, options.flashCrowds, options.start, end, {
      magnitude: options.flashMagnitude,
      riseMinutes: options.flashRiseMinutes,
      decayMinutes: options.flashDecayMinutes,
    });
  const noise =
    options.noise > 0
      ? autocorrelatedNoise(noiseRng, options.noise, options.stepSeconds, options.noiseMinutes)
      : () => 1;
  const points: TracePoint[] = new Array<TracePoint>(count);
  for (let i = 0; i < count; i++) {
    const t = options.start + i * stepMs;
    const level =
      options.baseLevel * Math.max(0.05, 1 + (options.trendPerDay * (t - options.start)) / DAY_MS);
    let surge = 0;
    for (const crowd of flashCrowds) surge += flashCrowdLoad(crowd, t);
    const value = (level * activityAt(t, profile) + options.baseLevel * surge) * noise();
    points[i] = { t, value: Math.round(value * 1000) / 1000 };
  }
  return { points, flashCrowds, options, profile };
}

/** A flash crowd as an operator who planned it (a campaign, a push notification) would schedule
 * it: from its start until its extra load has decayed to e^-2 (about 14 %) of the crest, expecting
 * the trace's highest load in that stretch. For replays with `simulate --events`. */
export type PlannedCrowd = { id: string; start: string; end: string; expectedRps: number; note: string };

export function flashCrowdEvents(trace: GeneratedTrace): PlannedCrowd[] {
  return trace.flashCrowds.map((crowd, i) => {
    const end = crowd.at + (crowd.riseMinutes + 2 * crowd.decayMinutes) * 60_000;
    const peak = Math.max(0, ...trace.points.filter((p) => p.t >= crowd.at && p.t < end).map((p) => p.value));
    return {
      id: `flash-crowd-${i + 1}`,
      start: new Date(crowd.at).toISOString(),
      end: new Date(Math.ceil(end / 60_000) * 60_000).toISOString(),
      expectedRps: Math.round(peak * 1000) / 1000,
      note: `generated flash crowd, crest ${crowd.magnitude.toFixed(2)}x base`,
    };
  });
}
