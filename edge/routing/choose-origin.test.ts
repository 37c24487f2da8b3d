import { describe, expect, it } from "vitest";
import type { OriginTable } from "../../contracts/origin-table.ts";
import { seededRng } from "../../contracts/random.ts";
import type { LoadView } from "../balancing/load.ts";
import { weightFirstP2c } from "../balancing/weight-first-p2c.ts";
import { unknownLoad } from "../balancing/load.ts";
import { BALANCING_DEFAULTS } from "../../contracts/outlier-settings.ts";
import { hashString } from "../balancing/rendezvous.ts";
import type { ChooseInput } from "./choose-origin.ts";
import { chooseOrigin } from "./choose-origin.ts";
import { compileTable } from "./compiled-table.ts";
import { poolSequence } from "./geo.ts";
import type { OriginStanding } from "./routing-plan.ts";
import { buildRoutingPlan } from "./routing-plan.ts";

const NOW = 1_000_000;
const source: OriginTable = {
  version: 1,
  updatedAt: "2026-01-01T00:00:00Z",
  pools: [
    {
      name: "eu",
      location: { lat: 50, lon: 8 },
      fallback: "us",
      origins: [
        { id: "eu-1", url: "http://a", weight: 1 },
        { id: "eu-2", url: "http://b", weight: 1 },
      ],
    },
    { name: "us", location: { lat: 39, lon: -77 }, origins: [{ id: "us-1", url: "http://c", weight: 1 }] },
  ],
};
const table = compileTable(source);
const ok: OriginStanding = { healthy: true, ejectedUntil: 0, rampStart: -Infinity, factor: 1 };

function input(changes: Partial<ChooseInput> = {}, standings: Partial<OriginStanding>[] = []): ChooseInput {
  const plan = buildRoutingPlan(
    table,
    table.origins.map((o) => ({ ...ok, ...standings[o.index] })),
    NOW,
  );
  const load: LoadView = {
    loads: table.origins.map(() => unknownLoad()),
    maxInFlight: 2,
    decayMs: 10_000,
    poolLatency: [],
    knobs: BALANCING_DEFAULTS,
  };
  return {
    table,
    plan,
    sequence: poolSequence(table.pools, [0, 1]),
    strategy: weightFirstP2c,
    load,
    context: { now: NOW, rng: seededRng(1), exclude: [] },
    affinityKey: null,
    spill: null,
    ...changes,
  };
}

const poolOf = (choice: ReturnType<typeof chooseOrigin>) =>
  choice.ok ? table.pools[choice.pool]?.name : choice.reason;

describe("choosing an origin", () => {
  it("serves from the nearest pool while it can", () => {
    expect(poolOf(chooseOrigin(input()))).toBe("eu");
  });

  it("goes to the fallback when the nearest pool has no healthy origin", () => {
    expect(poolOf(chooseOrigin(input({}, [{ healthy: false }, { healthy: false }])))).toBe("us");
  });

  it("spills the overlay's share of traffic to the fallback pool", () => {
    const rng = seededRng(9);
    let spilled = 0;
    for (let i = 0; i < 2_000; i++) {
      const choice = chooseOrigin(
        input({ spill: Float64Array.from([0.3, 0]), context: { now: NOW, rng, exclude: [] } }),
      );
      if (choice.ok && choice.spilled) spilled++;
    }
    expect(spilled / 2_000).toBeGreaterThan(0.27);
    expect(spilled / 2_000).toBeLessThan(0.33);
  });

  it("passes over a pool whose origins are all at their in-flight cap, then reports overload", () => {
    const full = input();
    for (const index of [0, 1]) (full.load.loads[index] as { inflight: number }).inflight = 2;
    expect(poolOf(chooseOrigin(full))).toBe("us");
    (full.load.loads[2] as { inflight: number }).inflight = 2;
    expect(chooseOrigin(full)).toEqual({ ok: false, reason: "overloaded" });
  });

  it("reports no origin when nothing is healthy and panic is off", () => {
    const none = { healthy: false };
    const strict = compileTable({ ...source, resilience: { panicThreshold: 0 } });
    const plan = buildRoutingPlan(
      strict,
      strict.origins.map(() => ({ ...ok, ...none })),
      NOW,
    );
    expect(chooseOrigin({ ...input(), table: strict, plan })).toEqual({ ok: false, reason: "no-origin" });
  });

  it("keeps an affinity key on one origin, and moves it when that origin is excluded", () => {
    const key = hashString("session-42");
    const first = chooseOrigin(input({ affinityKey: key }));
    for (let i = 0; i < 20; i++)
      expect(
        chooseOrigin(input({ affinityKey: key, context: { now: NOW, rng: seededRng(i), exclude: [] } })),
      ).toEqual(first);
    const moved = chooseOrigin(
      input({
        affinityKey: key,
        context: { now: NOW, rng: seededRng(1), exclude: first.ok ? [first.origin] : [] },
      }),
    );
    expect(moved.ok && first.ok && moved.origin !== first.origin).toBe(true);
  });
});
