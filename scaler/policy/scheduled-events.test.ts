import { describe, expect, it } from "vitest";
import type { ScheduledEvent } from "../../contracts/index.ts";
import { PolicyWorld } from "../../test/scaler/policy-world.ts";
import { sloOf, tableOf } from "./policy-fixtures.ts";
import type { OriginScaling } from "./types.ts";

const T0 = Date.UTC(2026, 10, 27, 12, 0);
const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
const scaling = (overrides: Partial<OriginScaling> = {}): OriginScaling => ({
  rpsPerReplica: 100,
  minReplicas: 2,
  maxReplicas: 20,
  bootSeconds: 300,
  ...overrides,
});
const onePool = tableOf([{ name: "eu-west", origins: [["eu-1", 100]] }]);
// A sale from 14:00 to 15:00 brings 900 rps where the pool usually takes 150; the forecasts,
// knowing only the past, keep saying 150.
const SALE_START = T0 + 120 * MIN;
const SALE_END = T0 + 180 * MIN;
const sale: ScheduledEvent = {
  id: "sale",
  pool: "eu-west",
  start: iso(SALE_START),
  end: iso(SALE_END),
  expectedRps: 900,
  note: "autumn sale",
};
const load = (_pool: string, t: number) => (t >= SALE_START && t < SALE_END ? 900 : 150);
const flat = () => 150;

function world(
  events: ScheduledEvent[] | undefined,
  overrides: {
    slo?: Parameters<typeof sloOf>[1];
    tuning?: ConstructorParameters<typeof PolicyWorld>[0]["tuning"];
  } = {},
) {
  return new PolicyWorld({
    table: onePool,
    slos: { "eu-west": sloOf("eu-west", overrides.slo) },
    scaling: { "eu-1": scaling() },
    replicas: { "eu-1": 3 },
    load,
    forecastLoad: flat,
    start: T0,
    ...(events ? { events } : {}),
    ...(overrides.tuning ? { tuning: overrides.tuning } : {}),
  });
}

/** Minutes the origin spent above its 70 % target, evaluated every 30 s. */
function runCountingOverload(w: PolicyWorld, seconds: number): number {
  let above = 0;
  w.run(seconds, 30, () => {
    if (w.utilisation("eu-1") > 0.7 + 1e-9) above += 0.5;
  });
  return above;
}

describe("scheduled events in the policy", () => {
  it("scales out at least a boot time before an event the forecast cannot know, so the sale is served under target", () => {
    const w = world([sale]);
    const above = runCountingOverload(w, 4 * 3600);
    const out = w.actions("scale-out")[0];
    expect(out).toBeDefined();
    expect(Date.parse(out?.at ?? "")).toBeLessThanOrEqual(SALE_START - 300_000);
    expect(out?.reason).toBe(
      "eu-west expects 900 rps for event sale (2026-11-27 14:00 to 15:00 UTC) exceeds 70 % of 300 rps capacity; scaling eu-1 from 3 to 13 replicas",
    );
    expect(above).toBe(0);
    // Without the event the same forecasts see nothing coming: the sale overloads the origin
    // until the observed load brings replicas a boot time later.
    expect(runCountingOverload(world(undefined), 4 * 3600)).toBeGreaterThanOrEqual(5);
  });

  it("holds the replicas for the whole event and releases them only a cooldown after it ends", () => {
    const w = world([sale], { slo: { scaleInCooldownSeconds: 600 } });
    w.run(4 * 3600);
    const ins = w.actions("scale-in");
    expect(ins.length).toBeGreaterThan(0);
    const firstIn = Date.parse(ins[0]?.at ?? "");
    expect(firstIn).toBeGreaterThanOrEqual(SALE_END + 600_000);
    expect(ins[0]?.reason).toMatch(/^eu-west forecast has stayed under 70 % of capacity for 10 min/);
    expect(w.serving("eu-1")).toBe(3);
  });

  it("plans for the larger of the event and the forecast", () => {
    // The forecast already expects 1,200 rps during the event, more than the event's 900.
    const w = new PolicyWorld({
      table: onePool,
      slos: { "eu-west": sloOf("eu-west") },
      scaling: { "eu-1": scaling() },
      replicas: { "eu-1": 3 },
      load: (_p, t) => (t >= SALE_START && t < SALE_END ? 1200 : 150),
      start: T0,
      events: [sale],
      upperRatio: 1,
    });
    w.run(4 * 3600);
    expect(Math.max(...w.actions("scale-out").map((d) => (d.to as { replicas: number }).replicas))).toBe(
      Math.ceil(1200 / 70),
    );
    expect(w.actions("scale-out").every((d) => d.reason.startsWith("eu-west forecast "))).toBe(true);
  });

  it("is never priced away as a short excursion", () => {
    const short: ScheduledEvent = { ...sale, end: iso(SALE_START + 10 * MIN) };
    const w = new PolicyWorld({
      table: onePool,
      slos: { "eu-west": sloOf("eu-west") },
      scaling: { "eu-1": scaling() },
      replicas: { "eu-1": 3 },
      load: (_p, t) => (t >= SALE_START && t < SALE_START + 10 * MIN ? 900 : 150),
      forecastLoad: flat,
      start: T0,
      events: [short],
      tuning: { excursionPrice: 1 },
    });
    expect(runCountingOverload(w, 3 * 3600)).toBe(0);
    expect(w.decisions.some((d) => d.reason.includes("left to spill"))).toBe(false);
  });

  it("does nothing for an ended event, another pool's, or a pool without an SLO in act or advise mode, and reports the idle ones once", () => {
    const ended: ScheduledEvent = {
      ...sale,
      id: "ended",
      start: iso(T0 - 120 * MIN),
      end: iso(T0 - 60 * MIN),
    };
    const elsewhere: ScheduledEvent = { ...sale, id: "elsewhere", pool: "us-east" };
    const w = world([ended, elsewhere]);
    const above = runCountingOverload(w, 110 * 60);
    expect(w.actions()).toEqual([]);
    expect(above).toBe(0);
    const reports = w.outcomes.flatMap((o) => o.reports);
    expect(reports).toEqual([
      "scheduled event elsewhere is for pool us-east, which matches no pool of the origin table (eu-west); it drives nothing",
    ]);

    const off = new PolicyWorld({
      table: onePool,
      slos: { "eu-west": sloOf("eu-west", { mode: "off" }) },
      scaling: { "eu-1": scaling() },
      replicas: { "eu-1": 3 },
      load,
      forecastLoad: flat,
      start: T0,
      events: [sale],
    });
    off.run(3600);
    expect(off.actions()).toEqual([]);
    expect(off.outcomes.flatMap((o) => o.reports)).toEqual([
      "scheduled event sale is for pool eu-west, which has no SLO in act or advise mode; it drives nothing until one is set",
    ]);
  });

  it("records the same decisions without applying them in advise mode", () => {
    const w = world([sale], { slo: { mode: "advise" } });
    w.run(2 * 3600);
    const advised = w.outcomes.flatMap((o) => o.decisions).filter((d) => d.action === "scale-out");
    expect(advised[0]?.reason).toMatch(/^eu-west expects 900 rps for event sale/);
    expect(w.outcomes.every((o) => o.scale.length === 0)).toBe(true);
  });
});
