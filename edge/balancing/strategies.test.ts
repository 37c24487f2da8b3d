import { describe, expect, it } from "vitest";
import { seededRng } from "../../contracts/random.ts";
import type { Candidates } from "./candidates.ts";
import { buildCandidates } from "./candidates.ts";
import { leastOutstanding } from "./least-outstanding.ts";
import { BALANCING_DEFAULTS } from "../../contracts/outlier-settings.ts";
import type { LoadView, OriginLoad } from "./load.ts";
import { unknownLoad } from "./load.ts";
import { p2cPeakEwma } from "./p2c-peak-ewma.ts";
import { createRoundRobin } from "./round-robin.ts";
import type { BalancingStrategy } from "./strategy.ts";
import { weightFirstP2c } from "./weight-first-p2c.ts";

// One table of cases every balancing strategy must pass (as Hono runs every router against
// common.case.test.ts); behaviour that tells strategies apart is tested beside each one.

const NOW = 1_000_000;

function loads(count: number, each: Partial<OriginLoad> = {}): OriginLoad[] {
  return Array.from({ length: count }, () => ({ ...unknownLoad(), ewmaAt: NOW, ...each }));
}

function view(origins: OriginLoad[], maxInFlight = 0): LoadView {
  return { loads: origins, maxInFlight, decayMs: 10_000, poolLatency: [], knobs: BALANCING_DEFAULTS };
}

function shares(
  strategy: BalancingStrategy,
  candidates: Candidates,
  load: LoadView,
  picks: number,
  seed = 7,
): Map<number, number> {
  const rng = seededRng(seed);
  const counts = new Map<number, number>();
  for (let i = 0; i < picks; i++) {
    const origin = strategy.pick(candidates, load, { now: NOW, rng, exclude: [] });
    counts.set(origin, (counts.get(origin) ?? 0) + 1);
  }
  return counts;
}

const strategies: [string, () => BalancingStrategy][] = [
  ["weight-first-p2c", () => weightFirstP2c],
  ["p2c-peak-ewma", () => p2cPeakEwma],
  ["least-outstanding", () => leastOutstanding],
  ["round-robin", () => createRoundRobin()],
];

describe.each(strategies)("balancing strategy %s", (_name, make) => {
  it.each([[[100, 100, 100]], [[10, 30, 60]], [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]], [[1000, 1]]])(
    "holds weights %j: over 10,000 seeded picks each share is within 3 points of its weight share",
    (weights) => {
      const members = weights.map((_, index) => index);
      const candidates = buildCandidates(members, weights);
      const total = weights.reduce((sum, w) => sum + w, 0);
      const counts = shares(make(), candidates, view(loads(weights.length, { ewmaMs: 20 })), 10_000);
      weights.forEach((weight, origin) => {
        expect(Math.abs((counts.get(origin) ?? 0) / 10_000 - weight / total)).toBeLessThan(0.03);
      });
    },
  );

  it("never picks an origin of weight 0", () => {
    const candidates = buildCandidates([0, 1, 2], [0, 50, 50]);
    const counts = shares(make(), candidates, view(loads(3)), 2_000);
    expect(counts.get(0) ?? 0).toBe(0);
    expect((counts.get(1) ?? 0) + (counts.get(2) ?? 0)).toBe(2_000);
  });

  it("never picks an excluded origin (a retry goes elsewhere)", () => {
    const strategy = make();
    const candidates = buildCandidates([0, 1, 2], [100, 100, 100]);
    const rng = seededRng(3);
    for (let i = 0; i < 500; i++)
      expect(strategy.pick(candidates, view(loads(3)), { now: NOW, rng, exclude: [1] })).not.toBe(1);
  });

  it("passes over origins at their in-flight cap and answers -1 when all are", () => {
    const strategy = make();
    const candidates = buildCandidates([0, 1, 2], [100, 100, 100]);
    const origins = loads(3);
    (origins[0] as OriginLoad).inflight = 4;
    (origins[2] as OriginLoad).inflight = 4;
    const rng = seededRng(5);
    for (let i = 0; i < 200; i++)
      expect(strategy.pick(candidates, view(origins, 4), { now: NOW, rng, exclude: [] })).toBe(1);
    (origins[1] as OriginLoad).inflight = 4;
    expect(strategy.pick(candidates, view(origins, 4), { now: NOW, rng, exclude: [] })).toBe(-1);
  });

  it("answers -1 for an empty pool and the only origin of a one-origin pool", () => {
    const strategy = make();
    const rng = seededRng(1);
    expect(strategy.pick(buildCandidates([], []), view([]), { now: NOW, rng, exclude: [] })).toBe(-1);
    expect(strategy.pick(buildCandidates([4], [10]), view(loads(5)), { now: NOW, rng, exclude: [] })).toBe(4);
    expect(strategy.pick(buildCandidates([4], [10]), view(loads(5)), { now: NOW, rng, exclude: [4] })).toBe(
      -1,
    );
  });
});

describe("what sets the strategies apart", () => {
  const candidates = buildCandidates([0, 1, 2, 3], [100, 100, 100, 100]);

  it("P2C peak-EWMA sends almost nothing to an origin ten times slower", () => {
    const origins = loads(4, { ewmaMs: 20 });
    (origins[3] as OriginLoad).ewmaMs = 200;
    const counts = shares(p2cPeakEwma, candidates, view(origins), 10_000);
    expect(counts.get(3) ?? 0).toBe(0);
  });

  it("P2C peak-EWMA weighs latency by load: a fast origin with a queue loses to an idle slower one", () => {
    const origins = loads(2, { ewmaMs: 20 });
    (origins[0] as OriginLoad).inflight = 9;
    (origins[1] as OriginLoad).ewmaMs = 100;
    const counts = shares(p2cPeakEwma, buildCandidates([0, 1], [1, 1]), view(origins), 1_000);
    expect(counts.get(1)).toBe(1_000);
  });

  it("least outstanding avoids the busiest origin but is blind to latency", () => {
    const busy = loads(4);
    (busy[0] as OriginLoad).inflight = 50;
    expect(shares(leastOutstanding, candidates, view(busy), 5_000).get(0) ?? 0).toBe(0);
    const slow = loads(4);
    (slow[3] as OriginLoad).ewmaMs = 1_000;
    expect(shares(leastOutstanding, candidates, view(slow), 4_000).get(3)).toBeGreaterThan(800);
  });

  it("round robin visits origins in turn, whatever their latency", () => {
    const slow = loads(4);
    (slow[3] as OriginLoad).ewmaMs = 1_000;
    const rr = createRoundRobin();
    const rng = seededRng(1);
    const order = Array.from({ length: 8 }, () =>
      rr.pick(candidates, view(slow), { now: NOW, rng, exclude: [] }),
    );
    expect(order).toEqual([0, 1, 2, 3, 0, 1, 2, 3]);
  });
});

describe("weights under load", () => {
  it.each([
    ["p2c-peak-ewma", p2cPeakEwma],
    ["least-outstanding", leastOutstanding],
    ["weight-first-p2c", weightFirstP2c],
  ] as const)("%s keeps weight shares when in-flight requests follow the weights", (_name, strategy) => {
    // Steady state of weight-proportional traffic: in flight 1, 3, 6 for weights 10, 30, 60.
    const candidates = buildCandidates([0, 1, 2], [10, 30, 60]);
    const origins = loads(3, { ewmaMs: 20 });
    [1, 3, 6].forEach((inflight, k) => {
      (origins[k] as OriginLoad).inflight = inflight;
    });
    const counts = shares(strategy, candidates, view(origins), 10_000);
    [0.1, 0.3, 0.6].forEach((share, k) => {
      expect(Math.abs((counts.get(k) ?? 0) / 10_000 - share)).toBeLessThan(0.03);
    });
  });
});

describe("latency noise", () => {
  it("P2C peak-EWMA keeps weight shares when latencies differ by noise only", () => {
    const candidates = buildCandidates([0, 1, 2], [10, 30, 60]);
    const origins = loads(3);
    [22, 18, 20].forEach((ewmaMs, k) => {
      (origins[k] as OriginLoad).ewmaMs = ewmaMs;
    });
    const counts = shares(p2cPeakEwma, candidates, view(origins), 10_000);
    [0.1, 0.3, 0.6].forEach((share, k) => {
      expect(Math.abs((counts.get(k) ?? 0) / 10_000 - share)).toBeLessThan(0.03);
    });
  });
});
