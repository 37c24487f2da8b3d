import { describe, expect, it } from "vitest";
import { seededRng } from "../../contracts/index.ts";
import { WORLD_CITIES } from "../replayer/cities.ts";
import type { City } from "../replayer/cities.ts";
import { createClientMix } from "../replayer/client-mix.ts";
import { DEFAULT_FLEET } from "../simulator/default-fleet.ts";
import { buildOriginTable } from "../simulator/fleet.ts";
import { validateFleetSpec } from "../simulator/fleet-spec.ts";
import { homePool, originShares, splitHistory } from "./history-split.ts";

const spec = validateFleetSpec(DEFAULT_FLEET);
if (!spec.ok) throw new Error("the default fleet is invalid");
const table = buildOriginTable(spec.value, (id) => `http://127.0.0.1:9101/${id}`, Date.UTC(2026, 0, 5));
const city = (name: string): City => {
  const found = WORLD_CITIES.find((c) => c.name === name);
  if (!found) throw new Error(name);
  return found;
};

describe("homePool", () => {
  it("sends a client to the pool that lists its country, else to the nearest, as the edge does", () => {
    expect(homePool(table, city("Paris")).name).toBe("eu-west");
    expect(homePool(table, city("Tokyo")).name).toBe("ap-southeast");
    expect(homePool(table, city("Bogotá")).name).toBe("sa-east");
    // Cairo and Lagos are in no pool's list: Frankfurt is the nearest.
    expect(homePool(table, city("Cairo")).name).toBe("eu-west");
    expect(homePool(table, city("Lagos")).name).toBe("eu-west");
  });
});

describe("splitHistory", () => {
  const mix = createClientMix(WORLD_CITIES, { followSun: true });
  const traceStart = Date.UTC(2026, 0, 13, 20);

  it("splits the traffic into origin shares that sum to the whole, evenly inside a pool of equal weights", () => {
    const shares = originShares(table, mix, traceStart);
    expect([...shares.values()].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    expect(shares.get("eu-west-1")).toBeCloseTo(shares.get("eu-west-2") ?? 0, 12);
    // At 20:00 UTC Europe's evening peak outweighs sleeping Asia.
    expect(shares.get("eu-west-1") ?? 0).toBeGreaterThan(shares.get("ap-southeast-1") ?? 1);
  });

  it("gives each origin its share of every step, as counts, one step later as a scrape records it", () => {
    const step = 5;
    const total = Array.from({ length: 400 }, (_, i) => ({ t: 1_000_000 + i * step * 1000, value: 100 }));
    const history = splitHistory({
      total,
      stepSeconds: step,
      table,
      mix,
      traceTimeAt: () => traceStart,
      rng: seededRng(4),
    });
    expect(history.map((h) => h.origin)).toEqual(table.pools.flatMap((p) => p.origins.map((o) => o.id)));
    const eu = history.find((h) => h.origin === "eu-west-1")?.rps ?? [];
    expect(eu[0]?.t).toBe(1_000_000 + step * 1000);
    // Each value is a whole number of requests over the step.
    expect(eu.every((p) => Number.isInteger(p.value * step))).toBe(true);
    const share = originShares(table, mix, traceStart).get("eu-west-1") ?? 0;
    const mean = eu.reduce((sum, p) => sum + p.value, 0) / eu.length;
    expect(mean).toBeGreaterThan(100 * share * 0.95);
    expect(mean).toBeLessThan(100 * share * 1.05);
    const all = history.reduce((sum, h) => sum + h.rps.reduce((s, p) => s + p.value, 0), 0) / total.length;
    expect(all).toBeCloseTo(100, -0.5);
  });
});
