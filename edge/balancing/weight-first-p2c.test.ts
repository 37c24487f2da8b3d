import { describe, expect, it } from "vitest";
import { BALANCING_DEFAULTS } from "../../contracts/outlier-settings.ts";
import type { Rng } from "../../contracts/random.ts";
import { seededRng } from "../../contracts/random.ts";
import type { Candidates } from "./candidates.ts";
import { buildCandidates } from "./candidates.ts";
import type { LoadView, OriginLoad, PoolEstimate } from "./load.ts";
import { unknownLoad } from "./load.ts";
import { estimatedLatency, healthFactor, observeTry } from "./origin-estimates.ts";
import { p2cPeakEwma } from "./p2c-peak-ewma.ts";
import type { BalancingStrategy } from "./strategy.ts";
import { weightFirstP2c } from "./weight-first-p2c.ts";

// The weight-first rule driven the way the Worker drives it: each pick is followed by what the
// origin's answer teaches (observeTry), on a clock that moves as fast as the answers come.

const T0 = 1_000_000;

function isolate(count: number): LoadView {
  const loads: OriginLoad[] = Array.from({ length: count }, () => unknownLoad());
  const pool: PoolEstimate[] = [{ ewmaMs: 0, ewmaAt: 0, samples: 0 }];
  return { loads, poolLatency: pool, maxInFlight: 0, decayMs: 10_000, knobs: BALANCING_DEFAULTS };
}

type Answer = { rttMs: number | null; failed: boolean };

/** Sends `count` requests one after another; `answer(origin, i)` is how each went. */
function sequential(
  strategy: BalancingStrategy,
  candidates: Candidates,
  view: LoadView,
  count: number,
  answer: (origin: number, i: number) => Answer,
  rng: Rng = seededRng(11),
): number[] {
  const picks = new Array<number>(view.loads.length).fill(0);
  let now = T0;
  for (let i = 0; i < count; i++) {
    const origin = strategy.pick(candidates, view, { now, rng, exclude: [] });
    picks[origin] = (picks[origin] ?? 0) + 1;
    const outcome = answer(origin, i);
    now += outcome.rttMs ?? 1;
    const load = view.loads[origin];
    if (load) observeTry(load, view.poolLatency[0], outcome, now, view);
  }
  return picks.map((p) => p / count);
}

describe("weight-first P2C: weights hold from a cold isolate on", () => {
  // The case of issue 25: two identical origins weighted 300 and 100; the first answer of the
  // heavy one comes over a new connection (10.2 ms), the light one's connection is warm (4.7 ms).
  const candidates = buildCandidates([0, 1], [300, 100], 0);
  const coldFirst = (): ((origin: number) => Answer) => {
    const seen = new Set<number>([1]);
    return (origin) => {
      const first = !seen.has(origin);
      seen.add(origin);
      return { rttMs: first ? 10.2 : 4.7, failed: false };
    };
  };
  // 4 standard errors of a 75 % share over 400 independent picks.
  const bound = 4 * Math.sqrt((0.75 * 0.25) / 400);

  it("keeps 300/100 over 400 sequential requests right after the table write", () => {
    const shares = sequential(weightFirstP2c, candidates, isolate(2), 400, coldFirst());
    expect(Math.abs((shares[0] ?? 0) - 0.75)).toBeLessThan(bound);
  });

  it("where P2C peak-EWMA, trusting its first sample, sends the heavy origin almost nothing", () => {
    const shares = sequential(p2cPeakEwma, candidates, isolate(2), 400, coldFirst());
    expect(shares[0] ?? 1).toBeLessThan(0.1);
  });

  it("keeps 10/30/60 when latencies differ by up to 2x from noise", () => {
    const view = isolate(3);
    const latency = [20, 40, 30];
    const noise = seededRng(3);
    const shares = sequential(
      weightFirstP2c,
      buildCandidates([0, 1, 2], [10, 30, 60], 0),
      view,
      6_000,
      (o) => ({
        rttMs: (latency[o] ?? 20) * (0.75 + 0.5 * noise()),
        failed: false,
      }),
    );
    [0.1, 0.3, 0.6].forEach((share, k) => {
      expect(Math.abs((shares[k] ?? 0) - share)).toBeLessThan(0.03);
    });
  });

  it("takes one sample for a hint, not the truth: a first answer 2.2x slower is within tolerance", () => {
    const view = isolate(2);
    const pool = view.poolLatency[0] as PoolEstimate;
    const load = view.loads[1] as OriginLoad;
    Object.assign(pool, { ewmaMs: 4.7, ewmaAt: T0, samples: 50 });
    observeTry(load, pool, { rttMs: 10.2, failed: false }, T0, view);
    expect(estimatedLatency(load, pool, T0, view)).toBeLessThan(BALANCING_DEFAULTS.latencyTolerance * 4.7);
  });
  it("keeps equal weights when latencies a few ms apart differ by more than the ratio (loopback noise)", () => {
    // 1 ms against 3.5 ms is 3.5x, past the tolerance, but within the 10 ms margin: noise, not speed.
    const latency = [1, 3.5];
    const shares = sequential(weightFirstP2c, buildCandidates([0, 1], [1, 1], 0), isolate(2), 2_000, (o) => ({
      rttMs: latency[o] ?? 1,
      failed: false,
    }));
    expect(Math.abs((shares[1] ?? 0) - 0.5)).toBeLessThan(4 * Math.sqrt(0.25 / 2_000));
  });

  it("still avoids the slower one once the difference passes the margin", () => {
    const latency = [1, 15];
    const shares = sequential(weightFirstP2c, buildCandidates([0, 1], [1, 1], 0), isolate(2), 2_000, (o) => ({
      rttMs: latency[o] ?? 1,
      failed: false,
    }));
    expect(shares[1] ?? 1).toBeLessThan(0.1);
  });
});

describe("weight-first P2C: a clearly slower or busier origin is avoided", () => {
  const candidates = buildCandidates([0, 1, 2, 3], [100, 100, 100, 100], 0);

  it.each([
    [10, 1],
    [5, 2],
  ])("an origin %ix slower gets under 2 % of 4,000 sequential requests", (factor, _samples) => {
    const noise = seededRng(5);
    const shares = sequential(weightFirstP2c, candidates, isolate(4), 4_000, (o) => ({
      rttMs: 20 * (o === 3 ? factor : 1) * (0.8 + 0.4 * noise()),
      failed: false,
    }));
    expect(shares[3] ?? 1).toBeLessThan(0.02);
  });

  it("a fast origin with a queue loses to an idle one of alike latency", () => {
    const view = isolate(2);
    for (const load of view.loads) Object.assign(load, { smoothMs: 20, smoothAt: T0, samples: 20 });
    (view.loads[0] as OriginLoad).inflight = 9;
    const rng = seededRng(2);
    const pair = buildCandidates([0, 1], [1, 1], 0);
    let toBusy = 0;
    for (let i = 0; i < 1_000; i++)
      if (weightFirstP2c.pick(pair, view, { now: T0, rng, exclude: [] }) === 0) toBusy++;
    expect(toBusy).toBe(0);
  });
});

describe("weight-first P2C: failures make an origin more expensive, never cheaper", () => {
  const candidates = buildCandidates([0, 1, 2], [100, 100, 100], 0);
  const failingOn = (share: number) => {
    const rng = seededRng(9);
    return (origin: number): Answer =>
      origin === 0 && rng() < share ? { rttMs: null, failed: true } : { rttMs: 20, failed: false };
  };

  it("an origin failing fast on 15 % of requests gets at most two thirds of its share", () => {
    const shares = sequential(weightFirstP2c, candidates, isolate(3), 6_000, failingOn(0.15));
    expect(shares[0] ?? 1).toBeLessThan((2 / 3) * (1 / 3));
  });

  it("more failures, less traffic; none, its full share", () => {
    const at = (share: number) =>
      sequential(weightFirstP2c, candidates, isolate(3), 6_000, failingOn(share))[0] ?? 0;
    const [none, few, many] = [at(0), at(0.05), at(0.3)];
    expect(Math.abs(none - 1 / 3)).toBeLessThan(0.03);
    expect(few).toBeLessThan(none);
    expect(many).toBeLessThan(few);
  });

  it("a fast 5xx gives no latency sample; a timeout's sample is the whole timeout", () => {
    const view = isolate(1);
    const load = view.loads[0] as OriginLoad;
    observeTry(load, view.poolLatency[0], { rttMs: 20, failed: false }, T0, view);
    observeTry(load, view.poolLatency[0], { rttMs: null, failed: true }, T0 + 1, view);
    expect(load.smoothMs).toBe(20);
    expect(healthFactor(load, T0 + 1, view)).toBeLessThan(1);
    observeTry(load, view.poolLatency[0], { rttMs: 10_000, failed: true }, T0 + 2, view);
    expect(load.smoothMs).toBeGreaterThan(1_000);
  });
});
