import { describe, expect, it } from "vitest";
import { PolicyWorld } from "../../test/scaler/policy-world.ts";
import { evaluatePolicy } from "./evaluate-policy.ts";
import { sloOf, tableOf } from "./policy-fixtures.ts";
import type { OriginScaling } from "./types.ts";
import { DEFAULT_TUNING, EMPTY_STATE } from "./types.ts";

const T0 = Date.UTC(2026, 2, 2, 12, 0);
const MIN = 60_000;
const scaling = (overrides: Partial<OriginScaling> = {}): OriginScaling => ({
  rpsPerReplica: 100,
  minReplicas: 2,
  maxReplicas: 20,
  bootSeconds: 300,
  ...overrides,
});
const onePool = tableOf([{ name: "eu-west", origins: [["eu-1", 100]] }]);

describe("scaling policy on hand-made forecasts", () => {
  it("scales out ahead of a ramp by at least the boot time, so the replicas serve when the load arrives", () => {
    // 150 rps until 13:00, then a ramp to 900 rps by 13:20.
    const load = (_pool: string, t: number) =>
      150 + Math.min(750, Math.max(0, (t - (T0 + 60 * MIN)) / (20 * MIN)) * 750);
    const world = new PolicyWorld({
      table: onePool,
      slos: { "eu-west": sloOf("eu-west") },
      scaling: { "eu-1": scaling() },
      replicas: { "eu-1": 3 },
      load,
      start: T0,
    });
    let worst = 0;
    world.run(2 * 3600, 30, () => {
      worst = Math.max(worst, world.utilisation("eu-1"));
    });
    const firstOut = world.actions("scale-out")[0];
    expect(firstOut).toBeDefined();
    // Load first exceeds 70 % of the starting 300 rps capacity at 13:01:36; the first replica
    // request must leave at least the 300 s boot before that.
    const overloadAt = T0 + 60 * MIN + ((210 - 150) / 750) * 20 * MIN;
    expect(Date.parse(firstOut?.at ?? "")).toBeLessThanOrEqual(overloadAt - 300_000);
    expect(firstOut?.reason).toMatch(
      /^eu-west forecast [\d,]+ rps at \d\d:\d\d UTC exceeds 70 % of 300 rps capacity; scaling eu-1 from 3 to \d+ replicas$/,
    );
    expect(worst).toBeLessThanOrEqual(0.7 + 1e-9);
    expect(world.serving("eu-1")).toBeGreaterThanOrEqual(Math.ceil(900 / 70));
  });

  it("sizes for a band no wider than bandCap of the forecast mean", () => {
    // A flat 1,000 rps whose forecast band reaches three times the mean (a bursty origin), sized
    // at the top of the band (no violation budget): capped at 0.6 the top is 1,600 rps, 23
    // replicas of 100 at 70 %; read whole it is 3,000 rps, 43 replicas.
    const served = (bandCap: number) => {
      const world = new PolicyWorld({
        table: onePool,
        slos: { "eu-west": sloOf("eu-west") },
        scaling: { "eu-1": scaling({ maxReplicas: 100 }) },
        replicas: { "eu-1": 10 },
        load: () => 1000,
        start: T0,
        upperRatio: 3,
        tuning: { violationBudget: 0, bandCap },
      });
      world.run(3600);
      return world.serving("eu-1");
    };
    expect(served(0.6)).toBe(23);
    expect(served(0)).toBe(43);
  });

  it("takes no action on a flat forecast", () => {
    const world = new PolicyWorld({
      table: onePool,
      slos: { "eu-west": sloOf("eu-west") },
      scaling: { "eu-1": scaling() },
      replicas: { "eu-1": 3 },
      load: () => 150,
      start: T0,
    });
    world.run(3 * 3600);
    expect(world.decisions).toEqual([]);
    expect(world.overlay).toBeNull();
  });

  it("does not flap when the forecast hovers at the threshold", () => {
    // Alternates every 5 minutes between just under and just over 70 % of 3 x 100 rps.
    const load = (_pool: string, t: number) => (Math.floor((t - T0) / (5 * MIN)) % 2 === 0 ? 205 : 216);
    const world = new PolicyWorld({
      table: onePool,
      slos: { "eu-west": sloOf("eu-west", { scaleInCooldownSeconds: 300 }) },
      scaling: { "eu-1": scaling() },
      replicas: { "eu-1": 3 },
      load,
      start: T0,
      upperRatio: 1,
    });
    world.run(4 * 3600);
    expect(world.actions("scale-out")).toHaveLength(1);
    expect(world.actions("scale-in")).toHaveLength(0);
  });

  it("does not flap the weights when the forecast hovers at the threshold", () => {
    // eu-1 cannot grow, so only a spill to us-east can keep it under 70 %.
    const table = tableOf([
      { name: "eu-west", fallback: "us-east", origins: [["eu-1", 100]] },
      { name: "us-east", origins: [["us-1", 100]] },
    ]);
    const load = (pool: string, t: number) =>
      pool === "us-east" ? 100 : Math.floor((t - T0) / (5 * MIN)) % 2 === 0 ? 205 : 216;
    const world = new PolicyWorld({
      table,
      slos: { "eu-west": sloOf("eu-west") },
      scaling: { "eu-1": scaling({ maxReplicas: 3 }), "us-1": scaling() },
      replicas: { "eu-1": 3, "us-1": 10 },
      load,
      start: T0,
      upperRatio: 1,
    });
    world.run(4 * 3600);
    expect(world.actions("spill")).toHaveLength(1);
    expect(world.actions("reweight")).toHaveLength(0);
    expect(world.actions("scale-out")).toHaveLength(0);
  });

  it("scales in only after the forecast has stayed low for the cooldown, and never below the minimum", () => {
    const dropAt = T0 + 30 * MIN;
    const load = (_pool: string, t: number) => (t < dropAt ? 600 : 60);
    const world = new PolicyWorld({
      table: onePool,
      slos: { "eu-west": sloOf("eu-west", { scaleInCooldownSeconds: 900 }) },
      scaling: { "eu-1": scaling({ minReplicas: 2 }) },
      replicas: { "eu-1": 9 },
      load,
      start: T0,
      upperRatio: 1,
    });
    world.run(2 * 3600);
    const ins = world.actions("scale-in");
    expect(ins).toHaveLength(1);
    // The horizon (now to the end of the lead window) is clear of the 600 rps from 29 minutes on
    // (30 min minus the 6 min lead minus one step); the cooldown runs 15 minutes from there.
    const lowFrom = dropAt - 360_000 - MIN;
    expect(Date.parse(ins[0]?.at ?? "")).toBeGreaterThanOrEqual(lowFrom + 900_000);
    expect(ins[0]?.to).toEqual({ replicas: 2 });
    expect(ins[0]?.reason).toMatch(/stayed under 70 % of capacity for 15 min/);
    expect(world.serving("eu-1")).toBe(2);
    const toOne = new PolicyWorld({
      table: onePool,
      slos: { "eu-west": sloOf("eu-west") },
      scaling: { "eu-1": scaling({ minReplicas: 1 }) },
      replicas: { "eu-1": 3 },
      load: () => 20,
      start: T0,
      upperRatio: 1,
    });
    toOne.run(3600);
    expect(toOne.actions("scale-in")[0]?.reason).toMatch(/; scaling eu-1 from 3 to 1 replica$/);
  });

  it("never scales in while a scale-out is in flight", () => {
    const table = tableOf([
      {
        name: "eu-west",
        origins: [
          ["eu-1", 100],
          ["eu-2", 100],
        ],
      },
    ]);
    // eu-2 is idle-heavy (12 replicas) while the pool ramps: eu-1 must grow, eu-2 must wait.
    const load = (_pool: string, t: number) => (t < T0 + 10 * MIN ? 300 : 1000);
    const world = new PolicyWorld({
      table,
      slos: { "eu-west": sloOf("eu-west", { scaleInCooldownSeconds: 0 }) },
      scaling: { "eu-1": scaling(), "eu-2": scaling() },
      replicas: { "eu-1": 2, "eu-2": 12 },
      load,
      start: T0,
    });
    const timeline: { at: number; booting: boolean; action: string }[] = [];
    world.run(30 * 60, 30, () => {
      const outcome = world.outcomes[world.outcomes.length - 1];
      for (const call of outcome?.scale ?? [])
        timeline.push({ at: world.now, booting: false, action: `${call.origin}:${call.decision.action}` });
    });
    const firstOut = timeline.find((e) => e.action === "eu-1:scale-out");
    const firstIn = timeline.find((e) => e.action.endsWith("scale-in"));
    expect(firstOut).toBeDefined();
    if (firstIn && firstOut) expect(firstIn.at).toBeGreaterThanOrEqual(firstOut.at + 300_000);
  });

  it("spills to the fallback pool at once when the pool lacks headroom, and returns as replicas arrive", () => {
    const table = tableOf([
      {
        name: "eu-west",
        fallback: "us-east",
        origins: [
          ["eu-1", 100],
          ["eu-2", 100],
        ],
      },
      { name: "us-east", origins: [["us-1", 100]] },
    ]);
    // A jump from 400 to 900 rps in 2 minutes: replicas (10 min boot) cannot be there in time.
    const load = (pool: string, t: number) => (pool === "us-east" ? 100 : t < T0 + 2 * MIN ? 400 : 900);
    const world = new PolicyWorld({
      table,
      slos: { "eu-west": sloOf("eu-west", { leadSeconds: 120 }), "us-east": sloOf("us-east") },
      scaling: {
        "eu-1": scaling({ bootSeconds: 600 }),
        "eu-2": scaling({ bootSeconds: 600 }),
        "us-1": scaling({ bootSeconds: 600 }),
      },
      replicas: { "eu-1": 4, "eu-2": 4, "us-1": 10 },
      load,
      start: T0,
      upperRatio: 1,
    });
    world.evaluate();
    const spill = world.overlay?.spill?.["eu-west"] ?? 0;
    // 900 rps against 0.7 x 800 = 560 rps: 38 % must go to us-east until the replicas boot.
    expect(spill).toBeCloseTo((900 - 560) / 900, 2);
    const decision = world.actions("scale-out").find((d) => d.origin === "eu-1");
    expect(decision?.reason).toMatch(
      /^eu-west forecast 900 rps at 12:02 UTC exceeds 70 % of 800 rps capacity; scaling eu-1 from 4 to 7 replicas, shifting 38 % to us-east$/,
    );
    expect(world.overlay && Date.parse(world.overlay.expiresAt)).toBeGreaterThan(T0);
    world.now += 30_000;
    world.run(30 * 60);
    expect(world.overlay?.spill?.["eu-west"] ?? 0).toBe(0);
    const spills = world.actions("spill").map((d) => (d.to as { spill: number }).spill);
    // One protective step up, then stepwise relief (halving) once the replicas serve.
    expect(spills[0]).toBeCloseTo(0.378, 2);
    expect(spills.slice(1).every((s, i) => s < (spills[i] ?? 1))).toBe(true);
  });

  it("shifts weight toward the origin with headroom when one origin of the pool is at its ceiling", () => {
    const table = tableOf([
      {
        name: "eu-west",
        origins: [
          ["eu-1", 100],
          ["eu-2", 100],
        ],
      },
    ]);
    const world = new PolicyWorld({
      table,
      slos: { "eu-west": sloOf("eu-west") },
      scaling: { "eu-1": scaling({ maxReplicas: 3 }), "eu-2": scaling({ maxReplicas: 20 }) },
      replicas: { "eu-1": 3, "eu-2": 3 },
      load: (_pool, t) => (t < T0 + 20 * MIN ? 300 : 600),
      start: T0,
      upperRatio: 1,
    });
    world.run(60 * 60);
    const factors = world.overlay?.factors ?? {};
    expect(factors["eu-1"] ?? 1).toBeLessThan(1);
    expect(factors["eu-2"] ?? 1).toBeGreaterThan(1);
    expect(world.utilisation("eu-1")).toBeLessThanOrEqual(0.7 + 1e-9);
    expect(world.utilisation("eu-2")).toBeLessThanOrEqual(0.7 + 1e-9);
    expect(
      world.decisions.some(
        (d) =>
          d.action === "hold" &&
          /^eu-1 would need [4-5] replicas for its \d+ rps share at 70 % but is capped at 3; the pool's other origins take the rest$/.test(
            d.reason,
          ),
      ),
    ).toBe(true);
  });

  it("scales out when the observed p95 already breaks the SLO although the forecast looks fine", () => {
    const world = new PolicyWorld({
      table: onePool,
      slos: { "eu-west": sloOf("eu-west", { p95LatencyMs: 300 }) },
      scaling: { "eu-1": scaling() },
      replicas: { "eu-1": 5 },
      load: () => 100,
      start: T0,
      p95: () => 840,
    });
    world.evaluate();
    expect(world.actions("scale-out")[0]?.reason).toBe(
      "eu-1 p95 latency 840 ms breaks the 300 ms SLO; scaling eu-1 from 5 to 6 replicas",
    );
  });

  it("in advise mode records the same decisions once, without calls or weights", () => {
    const load = (_pool: string, t: number) => (t < T0 + 20 * MIN ? 150 : 600);
    const acting = new PolicyWorld({
      table: onePool,
      slos: { "eu-west": sloOf("eu-west") },
      scaling: { "eu-1": scaling() },
      replicas: { "eu-1": 3 },
      load,
      start: T0,
    });
    const advising = new PolicyWorld({
      table: onePool,
      slos: { "eu-west": sloOf("eu-west", { mode: "advise" }) },
      scaling: { "eu-1": scaling() },
      replicas: { "eu-1": 3 },
      load,
      start: T0,
    });
    acting.run(16 * 60);
    advising.run(16 * 60);
    expect(advising.outcomes.every((o) => o.scale.length === 0 && o.weights === null)).toBe(true);
    const strip = (d: { reason: string; action: string; applied: boolean; mode: string }) => ({
      reason: d.reason,
      action: d.action,
      applied: d.applied,
    });
    // Until the replicas act mode asked for first start serving, both see the same world.
    const firstServes = Date.parse(acting.actions()[0]?.at ?? "") + 300_000;
    expect(advising.actions().map(strip)).toEqual(
      acting
        .actions()
        .filter((d) => Date.parse(d.at) < firstServes)
        .map(strip),
    );
    expect(advising.actions().length).toBeGreaterThan(0);
    expect(advising.actions().every((d) => d.mode === "advise" && !d.applied)).toBe(true);
  });

  it("with the SLO off does nothing and drops weights the scaler had set on the pool", () => {
    const input = {
      now: T0,
      table: onePool,
      slos: { "eu-west": sloOf("eu-west", { mode: "off" as const }) },
      scaling: { "eu-1": scaling() },
      observations: { "eu-1": { capacity: { replicas: 1 }, rps: 5000 } },
      overlay: {
        version: 7,
        updatedAt: new Date(T0).toISOString(),
        expiresAt: new Date(T0 + 60_000).toISOString(),
        factors: { "eu-1": 0.5 },
      },
      outcomes: {},
      state: EMPTY_STATE,
      tuning: DEFAULT_TUNING,
    };
    const outcome = evaluatePolicy(input);
    expect(outcome.scale).toEqual([]);
    expect(outcome.decisions).toEqual([]);
    expect(outcome.weights?.overlay.factors).toEqual({});
    expect(outcome.weights?.overlay.version).toBe(T0);
    expect(evaluatePolicy(input)).toEqual(outcome);
  });
  it("reports an SLO or a scaling configuration that names nothing in the table, once, and acts on the rest", () => {
    const input = {
      now: T0,
      table: onePool,
      slos: {
        "eu-west": sloOf("eu-west"),
        "eu-wset": sloOf("eu-wset"),
        "old-pool": sloOf("old-pool", { mode: "off" as const }),
      },
      scaling: { "eu-1": scaling(), "eu-9": scaling() },
      observations: { "eu-1": { capacity: { replicas: 2 }, rps: 100 } },
      overlay: null,
      outcomes: {},
      state: EMPTY_STATE,
      tuning: DEFAULT_TUNING,
    };
    const first = evaluatePolicy(input);
    expect(first.reports).toEqual(
      expect.arrayContaining([
        "the SLO of pool eu-wset (act) matches no pool of the origin table (eu-west); it drives nothing",
        "the scaling configuration names eu-9, which the origin table does not list; it is never resized",
      ]),
    );
    expect(first.reports.join("\n")).not.toContain("old-pool");
    expect(first.decisions.filter((d) => d.pool !== "eu-west")).toEqual([]);
    // Reported when it appears, not on every evaluation.
    const second = evaluatePolicy({ ...input, now: T0 + 30_000, state: first.state });
    expect(second.reports.filter((r) => r.includes("eu-wset") || r.includes("eu-9"))).toEqual([]);
  });

  it("says once that a pool with origins configured for scaling has no SLO (as after a Redis lost its data)", () => {
    const twoPools = tableOf([
      { name: "eu-west", origins: [["eu-1", 100]] },
      { name: "us-east", origins: [["us-1", 100]] },
    ]);
    const input = {
      now: T0,
      table: twoPools,
      slos: {},
      scaling: { "eu-1": scaling() },
      observations: { "eu-1": { capacity: { replicas: 2 }, rps: 100 } },
      overlay: null,
      outcomes: {},
      state: EMPTY_STATE,
      tuning: DEFAULT_TUNING,
    };
    const first = evaluatePolicy(input);
    expect(first.reports.filter((r) => r.includes("no SLO"))).toEqual([
      "pool eu-west has origins configured for scaling (eu-1) but no SLO; nothing is decided for it until one is set (PUT /api/slos/eu-west, the dashboard, or the predictor's --slos-file)",
    ]);
    const second = evaluatePolicy({ ...input, now: T0 + 30_000, state: first.state });
    expect(second.reports.filter((r) => r.includes("no SLO"))).toEqual([]);
    // Once an SLO is set the notice clears, so a later loss is reported again.
    const withSlo = evaluatePolicy({
      ...input,
      now: T0 + 60_000,
      state: second.state,
      slos: { "eu-west": sloOf("eu-west") },
    });
    const lostAgain = evaluatePolicy({ ...input, now: T0 + 90_000, state: withSlo.state });
    expect(lostAgain.reports.filter((r) => r.includes("no SLO"))).toHaveLength(1);
  });

  it("sizes an origin without a forecast on its observed load, and says which window no forecast covers", () => {
    const input = (leadSeconds: number, evaluationSeconds: number, now: number) => ({
      now,
      table: onePool,
      slos: { "eu-west": sloOf("eu-west", { leadSeconds }) },
      scaling: { "eu-1": scaling() },
      observations: { "eu-1": { capacity: { replicas: 2 }, rps: 700 } },
      overlay: null,
      outcomes: {},
      state: EMPTY_STATE,
      tuning: { ...DEFAULT_TUNING, evaluationSeconds },
    });
    const reasonOf = (leadSeconds: number, evaluationSeconds: number, now: number) =>
      evaluatePolicy(input(leadSeconds, evaluationSeconds, now)).decisions.find((d) => d.action === "hold")
        ?.reason;
    // A lead of 30 s and 5 s evaluations: a window that short reads in seconds.
    expect(reasonOf(30, 5, T0 + 10_000)).toBe(
      "no forecast of eu-1 covers 12:00:40 to 12:00:45 UTC; sizing it on observed load only",
    );
    expect(reasonOf(360, 30, T0 + 45_000)).toBe(
      "no forecast of eu-1 covers 12:06:45 to 12:07:15 UTC; sizing it on observed load only",
    );
    // Five-minute evaluations: in minutes.
    expect(reasonOf(360, 300, T0)).toBe(
      "no forecast of eu-1 covers 12:06 to 12:11 UTC; sizing it on observed load only",
    );
    // 700 rps at 70 % of 100 rps per replica: 10 replicas from the observed load alone.
    expect(evaluatePolicy(input(30, 5, T0)).scale[0]).toMatchObject({ origin: "eu-1", from: 2, to: 10 });
  });

  it("with an excursion price, leaves a short, tall spike to the spill but still grows for a rise that lasts", () => {
    const table = tableOf([
      { name: "eu-west", fallback: "us-east", origins: [["eu-1", 100]] },
      { name: "us-east", origins: [["us-1", 100]] },
    ]);
    const spikeAt = T0 + 60 * MIN;
    const world = (minutes: number, excursionPrice: number) =>
      new PolicyWorld({
        table,
        slos: { "eu-west": sloOf("eu-west") },
        scaling: { "eu-1": scaling({ maxReplicas: 40 }), "us-1": scaling() },
        replicas: { "eu-1": 3, "us-1": 30 },
        // 150 rps, then 1,500 rps for `minutes` from 13:00.
        load: (pool, t) =>
          pool === "us-east" ? 100 : t >= spikeAt && t < spikeAt + minutes * MIN ? 1500 : 150,
        start: T0,
        tuning: { excursionPrice },
      });
    // Four minutes at ten times the load (24 replicas at the top of the band): 21 more, booted 6
    // minutes ahead and held 10 after, would cost about 420 replica-minutes to save five minutes
    // above the target.
    const priced = world(4, 3);
    priced.run(90 * 60);
    expect(priced.actions("scale-out")).toEqual([]);
    expect(priced.decisions.find((d) => d.action === "hold")?.reason).toMatch(
      /^eu-1's forecast needs up to 24 replicas for about 5 min from 12:59 UTC: too short to pay for booting them, so the rest is left to spill$/,
    );
    expect(priced.actions("spill").length).toBeGreaterThan(0);
    // Without a price the same spike is covered, as is a lasting rise with one.
    const unpriced = world(4, 0);
    unpriced.run(90 * 60);
    expect(unpriced.actions("scale-out").length).toBeGreaterThan(0);
    const lasting = world(120, 3);
    lasting.run(90 * 60);
    expect(Date.parse(lasting.actions("scale-out")[0]?.at ?? "")).toBeLessThanOrEqual(spikeAt - 300_000);
    expect(lasting.serving("eu-1")).toBeGreaterThanOrEqual(Math.ceil(1500 / 70));
  });
});
