import { describe, expect, it } from "vitest";
import { seededRng } from "../../contracts/random.ts";
import { costBounds } from "./clairvoyant.ts";
import type { FleetSettings, ReplayController } from "./replay.ts";
import { replayTrace } from "./replay.ts";
import { loadAt } from "./trace-series.ts";

const fleet: FleetSettings = {
  rpsPerReplica: 10,
  bootSeconds: 120,
  targetUtilization: 0.5,
  minReplicas: 1,
  maxReplicas: 100,
  violationUtilization: 0.5,
  tickSeconds: 60,
};
const START = Date.UTC(2026, 0, 1);
// One-minute buckets (load is linear between bucket centres, so flat runs stay flat):
// 5 rps (1 replica at 50 %) except 40 rps (8 replicas) for minutes 10-14.
const spike = {
  start: START,
  stepSeconds: 60,
  values: Array.from({ length: 30 }, (_, i) => (i >= 10 && i < 15 ? 40 : 5)),
};

describe("costBounds", () => {
  it("pays for a spike from a boot time before it until it ends, and no more", () => {
    const { clairvoyantReplicaMinutes, lowerBoundReplicaMinutes, allowanceReplicaMinutes } = costBounds(
      spike,
      0,
      fleet,
      0,
    );
    // Ticks at the start of each minute read the load at the bucket's start, half-way between
    // centres: minutes 10 and 15 are at 22.5 rps (5 replicas), minutes 11-14 at 40 (8).
    const needs = spike.values.map((_, i) => (i === 10 || i === 15 ? 5 : i >= 11 && i <= 14 ? 8 : 1));
    const held = needs.map((_, i) => Math.max(...needs.slice(i, i + 3)));
    expect(clairvoyantReplicaMinutes).toBeCloseTo(
      held.reduce((a, b) => a + b, 0),
      9,
    );
    // With no violation allowed the certain bound meets the clairvoyant fleet: nothing is loose.
    expect(allowanceReplicaMinutes).toBeCloseTo(clairvoyantReplicaMinutes, 6);
    expect(lowerBoundReplicaMinutes).toBeCloseTo(clairvoyantReplicaMinutes, 3);
  });

  it("prices violation minutes: a certain bound below the best plan, and a plan a clairvoyant fleet can follow", () => {
    // Two minutes may violate. The cheapest such fleet drops the spike's first two minutes (or
    // its last two): 26 minutes at 1 + 24 + 5 + 7 replicas booted for 2 minutes = 69. Pricing
    // violations sees only plans on the lower convex hull of (violations, cost): no violation at
    // 80 and dropping all 6 spike minutes at 30, so its plan is the 80 one and its bound the hull
    // at 2 minutes, 80 - 2 x 50/6 = 63.33: below 69, as a bound must be.
    const bounds = costBounds(spike, 0, fleet, 2);
    expect(bounds.allowanceReplicaMinutes).toBeCloseTo(80, 6);
    expect(bounds.allowanceViolationMinutes).toBe(0);
    expect(bounds.lowerBoundReplicaMinutes).toBeCloseTo(80 - (2 * 50) / 6, 3);
    // Allowed to violate throughout, one replica a minute is all any fleet pays.
    expect(costBounds(spike, 0, fleet, 1e9).lowerBoundReplicaMinutes).toBeCloseTo(30, 6);
  });

  it("is never above what a policy of the real simulated fleet pays for the violations it had", async () => {
    const rng = seededRng(11);
    const values = Array.from(
      { length: 240 },
      (_, i) => 20 + 15 * Math.sin(i / 20) + (rng() < 0.05 ? 60 * rng() : 0) + 5 * rng(),
    );
    const trace = { start: START, stepSeconds: 60, values };
    const settings: FleetSettings = { ...fleet, tickSeconds: 30 };
    const needAt = (t: number) =>
      Math.ceil(loadAt(trace, t) / (settings.rpsPerReplica * settings.violationUtilization) - 1e-9);
    for (let run = 0; run < 40; run++) {
      const jitter = seededRng(100 + run);
      // Half the runs know the future and size for a share of the most needed over the next
      // boot time (all of it in every other one: the cheapest fleet with no violation, so a
      // bound that were too high would show); the other half are careless: sized for the
      // present load with a random bias.
      const share = run % 4 === 0 ? 1 : 0.6 + 0.4 * jitter();
      const bias = -2 + 4 * jitter();
      const clairvoyant = run % 2 === 0;
      const lookahead = (now: number) => {
        let most = 0;
        for (let t = now; t <= now + settings.bootSeconds * 1000; t += settings.tickSeconds * 1000)
          most = Math.max(most, needAt(t));
        return Math.max(1, Math.ceil(share * most));
      };
      const controller: ReplayController = {
        initialReplicas: (load) => Math.ceil(load / 5),
        tick: (view) =>
          clairvoyant
            ? lookahead(view.now)
            : jitter() < 0.3
              ? Math.max(1, Math.round(view.load / 5 + bias + 3 * (jitter() - 0.5)))
              : undefined,
      };
      const { report } = await replayTrace(trace, 0, settings, controller);
      const bounds = costBounds(trace, 0, settings, report.sloViolationMinutes);
      expect(bounds.lowerBoundReplicaMinutes).toBeLessThanOrEqual(report.replicaMinutes + 1e-6);
      expect(bounds.lowerBoundReplicaMinutes).toBeLessThanOrEqual(bounds.allowanceReplicaMinutes + 1e-6);
      // And it is tight: within 15 % of what the future-knowing fleet with no violation pays.
      if (share === 1) expect(bounds.lowerBoundReplicaMinutes).toBeGreaterThan(0.85 * report.replicaMinutes);
    }
  });
});

describe("costBounds with a scale-in cooldown", () => {
  const cooldown = 180;

  it("holds a spike's replicas for the cooldown after it: exact with no violation allowed", () => {
    const bounds = costBounds(spike, 0, fleet, 0, cooldown);
    const needs = spike.values.map((_, i) => (i === 10 || i === 15 ? 5 : i >= 11 && i <= 14 ? 8 : 1));
    // Paid from a boot time (2 minutes) before the need until a cooldown (3 minutes) after it.
    const held = needs.map((_, i) => Math.max(...needs.slice(Math.max(0, i - 3), i + 3)));
    expect(bounds.clairvoyantReplicaMinutes).toBeCloseTo(
      held.reduce((a, b) => a + b, 0),
      9,
    );
    expect(bounds.allowanceReplicaMinutes).toBeCloseTo(bounds.clairvoyantReplicaMinutes, 6);
    expect(bounds.lowerBoundReplicaMinutes).toBeCloseTo(bounds.clairvoyantReplicaMinutes, 3);
    // Each of the 7 replicas the spike adds is held 3 minutes longer than without the cooldown.
    expect(
      bounds.clairvoyantReplicaMinutes - costBounds(spike, 0, fleet, 0).clairvoyantReplicaMinutes,
    ).toBeCloseTo(7 * 3, 9);
  });

  it("prices skipping a spike against holding it through the cooldown", () => {
    // Allowed to miss the spike's 6 minutes, a fleet that keeps the cooldown stays at 1 replica;
    // one that may not miss them pays boot + spike + cooldown for 7 replicas.
    expect(costBounds(spike, 0, fleet, 6, cooldown).lowerBoundReplicaMinutes).toBeCloseTo(30, 6);
    // Allowed 2 minutes, the bound is the hull between no violation (80 + 7 x 3 = 101) and
    // skipping all 6 spike minutes (30): 101 - 2 x 71/6.
    expect(costBounds(spike, 0, fleet, 2, cooldown).lowerBoundReplicaMinutes).toBeCloseTo(
      101 - (2 * 71) / 6,
      3,
    );
  });

  it("is never above what a fleet pays that lets replicas go only once the load stayed low enough without them for the cooldown", async () => {
    const rng = seededRng(12);
    const values = Array.from(
      { length: 240 },
      (_, i) => 20 + 15 * Math.sin(i / 15) + (rng() < 0.08 ? 60 * rng() : 0) + 5 * rng(),
    );
    const trace = { start: START, stepSeconds: 60, values };
    const settings: FleetSettings = { ...fleet, tickSeconds: 30 };
    const tickMs = settings.tickSeconds * 1000;
    const needAt = (t: number) =>
      Math.max(
        settings.minReplicas,
        Math.ceil(loadAt(trace, t) / (settings.rpsPerReplica * settings.violationUtilization) - 1e-9),
      );
    const mostNeeded = (from: number, to: number) => {
      let most = 0;
      for (let t = from; t <= to; t += tickMs) most = Math.max(most, needAt(t));
      return most;
    };
    let tightest = 0;
    for (let run = 0; run < 30; run++) {
      const jitter = seededRng(200 + run);
      // Each fleet sizes up for a random share of what the next boot time needs (or for the
      // present load with a random bias) and lets replicas go only down to the most the load
      // needed over the cooldown just past: the rule the bound is for.
      const share = run % 3 === 0 ? 1 : 0.5 + 0.5 * jitter();
      const bias = Math.round(-2 + 4 * jitter());
      const ahead = run % 2 === 0;
      let current = 0;
      const controller: ReplayController = {
        initialReplicas: (load) => (current = Math.max(1, Math.ceil(load / 5))),
        tick: (view) => {
          current = view.desired;
          const wanted = Math.max(
            1,
            ahead
              ? Math.ceil(share * mostNeeded(view.now, view.now + settings.bootSeconds * 1000))
              : Math.ceil(view.load / 5) + bias,
          );
          if (wanted > current) return wanted;
          const floor = Math.max(
            wanted,
            view.now - cooldown * 1000 < START ? current : mostNeeded(view.now - cooldown * 1000, view.now),
          );
          return floor < current ? floor : undefined;
        },
      };
      const { report } = await replayTrace(trace, 0, settings, controller);
      const bounds = costBounds(trace, 0, settings, report.sloViolationMinutes, cooldown);
      expect(bounds.lowerBoundReplicaMinutes).toBeLessThanOrEqual(report.replicaMinutes + 1e-6);
      // Keeping the cooldown never makes a fleet cheaper.
      expect(bounds.lowerBoundReplicaMinutes).toBeGreaterThanOrEqual(
        costBounds(trace, 0, settings, report.sloViolationMinutes).lowerBoundReplicaMinutes - 1e-6,
      );
      tightest = Math.max(tightest, bounds.lowerBoundReplicaMinutes / report.replicaMinutes);
    }
    // And it is not loose: some fleet comes within 10 % of it.
    expect(tightest).toBeGreaterThan(0.9);
  });
});
