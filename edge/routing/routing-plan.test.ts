import { describe, expect, it } from "vitest";
import type { OriginTable } from "../../contracts/origin-table.ts";
import { compileTable } from "./compiled-table.ts";
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
      minHealthy: 2,
      fallback: "us",
      origins: [
        { id: "eu-1", url: "http://a", weight: 100 },
        { id: "eu-2", url: "http://b", weight: 100 },
        { id: "eu-3", url: "http://c", weight: 0 },
      ],
    },
    {
      name: "us",
      location: { lat: 39, lon: -77 },
      origins: [
        { id: "us-1", url: "http://d", weight: 50 },
        { id: "us-2", url: "http://e", weight: 50, enabled: false },
      ],
    },
  ],
  resilience: { slowStartMs: 10_000, panicThreshold: 0.25 },
};
const table = compileTable(source);
const ok: OriginStanding = { healthy: true, ejectedUntil: 0, rampStart: -Infinity, factor: 1 };
const standings = (changes: Record<number, Partial<OriginStanding>> = {}) =>
  table.origins.map((o) => ({ ...ok, ...changes[o.index] }));

describe("routing plan", () => {
  it("serves from healthy, enabled, weighted origins and knows which pools qualify", () => {
    const plan = buildRoutingPlan(table, standings(), NOW);
    expect(Array.from(plan.pools[0]?.candidates.members ?? [])).toEqual([0, 1]);
    expect(plan.pools[0]?.qualifies).toBe(true);
    expect(Array.from(plan.pools[1]?.candidates.members ?? [])).toEqual([3]);
    expect(plan.panic).toBe(false);
  });

  it("passes over a pool below minHealthy", () => {
    const plan = buildRoutingPlan(table, standings({ 1: { ejectedUntil: NOW + 5_000 } }), NOW);
    expect(plan.pools[0]?.qualifies).toBe(false);
    expect(plan.pools[0]?.serving).toBe(1);
    expect(plan.validUntil).toBe(NOW + 5_000);
  });

  it("applies the overlay factor and ramps a returning origin from 10 % in tenths", () => {
    const plan = buildRoutingPlan(table, standings({ 0: { factor: 2 }, 1: { rampStart: NOW - 2_500 } }), NOW);
    expect(plan.weights[0]).toBe(200);
    expect(plan.weights[1]).toBeCloseTo(20, 6);
    expect(plan.validUntil).toBe(NOW + 500);
    const later = buildRoutingPlan(table, standings({ 1: { rampStart: NOW - 10_000 } }), NOW);
    expect(later.weights[1]).toBe(100);
  });

  it("enters panic below the threshold and then routes to every enabled origin", () => {
    const down = { healthy: false };
    const plan = buildRoutingPlan(table, standings({ 0: down, 1: down, 3: down }), NOW);
    expect(plan.healthyShare).toBe(0);
    expect(plan.panic).toBe(true);
    expect(Array.from(plan.pools[0]?.candidates.members ?? [])).toEqual([0, 1]);
    expect(plan.pools[0]?.qualifies).toBe(true);
  });

  it("is rebuilt when an outside input lapses", () => {
    expect(buildRoutingPlan(table, standings(), NOW, NOW + 60_000).validUntil).toBe(NOW + 60_000);
  });
});
