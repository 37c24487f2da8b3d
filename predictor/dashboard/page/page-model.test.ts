import { describe, expect, it } from "vitest";
import type { Decision, Slo } from "../../../contracts/index.ts";
import { decisionChange, decisionMarkers, decisionOutcome } from "./decision-markers.ts";
import { readEdgeView } from "./edge-view.ts";
import { buildPools } from "./pool-model.ts";
import { parseRoute, routeHash } from "./route.ts";
import { fieldsToBody, sloToFields } from "./slo-fields.ts";

const status = {
  now: "2026-01-05T12:00:00.000Z",
  table: { version: 3 },
  panic: false,
  problems: [],
  events: [],
  pools: [
    { name: "eu", serving: 2, passedOver: false, spill: 0.25, fallback: "us" },
    { name: "us", serving: 1 },
  ],
  origins: [
    { id: "eu-1", pool: "eu", healthy: true, effectiveWeight: 100, ejected: false },
    { id: "eu-2", pool: "eu", healthy: false, ejected: true, ejectedUntil: "2026-01-05T12:00:30.000Z" },
    { id: "us-1", pool: "us" },
  ],
};
const slo: Slo = {
  pool: "ap",
  mode: "advise",
  targetUtilization: 0.7,
  leadSeconds: 60,
  scaleInCooldownSeconds: 60,
};

describe("the page's reading of the data", () => {
  it("groups origins by the edge's pools, then pools with only an SLO, then origins outside the table", () => {
    const pools = buildPools(readEdgeView(status, null), [slo], ["eu-1", "lost-1", "us-1"]);
    expect(pools.map((p) => [p.label, p.origins, p.slo?.mode ?? null])).toEqual([
      ["eu", ["eu-1", "eu-2"], null],
      ["us", ["us-1"], null],
      ["ap", [], "advise"],
      ["Outside the edge table", ["lost-1"], null],
    ]);
    expect(buildPools(null, [], ["b", "a"]).map((p) => [p.label, p.origins])).toEqual([
      ["All origins", ["a", "b"]],
    ]);
  });

  it("reads the Worker's status defensively: odd or missing fields become unknown, never an error", () => {
    const view = readEdgeView(
      { pools: "nope", origins: [{ id: 7, weight: "heavy" }, null], events: [{}] },
      { pools: [{ name: "eu", location: { lat: 1, lon: 2 }, origins: [{ id: "x", url: "http://a" }] }] },
    );
    expect(view.origins).toHaveLength(2);
    expect(view.origins[0]).toMatchObject({ id: "?", weight: null, healthy: null, ejected: false });
    expect(view.pools).toEqual([]);
    expect(view.events[0]).toEqual({ at: "", kind: "?", origin: null, detail: "" });
    expect(readEdgeView(status, null).origins[1]).toMatchObject({
      ejected: true,
      ejectedUntil: "2026-01-05T12:00:30.000Z",
      healthy: false,
    });
  });

  it("sends the SLO form's numbers as numbers and anything else as typed, so the server names the problem", () => {
    const fields = {
      ...sloToFields(slo),
      targetUtilization: "1.5",
      p95LatencyMs: "",
      maxErrorRate: "lots",
      leadSeconds: " 120 ",
    };
    expect(fieldsToBody(fields)).toEqual({
      mode: "advise",
      targetUtilization: 1.5,
      maxErrorRate: "lots",
      leadSeconds: 120,
      scaleInCooldownSeconds: 60,
    });
    expect(fieldsToBody({ ...fields, scaleInCooldownSeconds: "" })).toMatchObject({
      scaleInCooldownSeconds: "",
    });
  });

  it("shows the SLO's trade-off as a choice and one number, and sends the number as the field chosen", () => {
    expect(sloToFields(slo)).toMatchObject({ tradeOff: "violationBudget", tradeOffValue: "" });
    expect(sloToFields({ ...slo, violationBudget: 0.05 })).toMatchObject({
      tradeOff: "violationBudget",
      tradeOffValue: "0.05",
    });
    const ceiling = sloToFields({ ...slo, spendCeiling: 1.5 });
    expect(ceiling).toMatchObject({ tradeOff: "spendCeiling", tradeOffValue: "1.5" });
    expect(fieldsToBody(ceiling)).toEqual({
      mode: "advise",
      targetUtilization: 0.7,
      leadSeconds: 60,
      scaleInCooldownSeconds: 60,
      spendCeiling: 1.5,
    });
    // Switching the choice moves the number to the other field; an empty number states none.
    expect(fieldsToBody({ ...ceiling, tradeOff: "violationBudget", tradeOffValue: " 0.1 " })).toMatchObject({
      violationBudget: 0.1,
    });
    expect(
      fieldsToBody({ ...ceiling, tradeOff: "violationBudget", tradeOffValue: " 0.1 " }),
    ).not.toHaveProperty("spendCeiling");
    const none = fieldsToBody({ ...ceiling, tradeOffValue: "" });
    expect(["violationBudget", "spendCeiling"].filter((f) => f in none)).toEqual([]);
    expect(fieldsToBody({ ...ceiling, tradeOffValue: "lots" })).toMatchObject({ spendCeiling: "lots" });
  });

  it("describes decisions by outcome and change, and marks them at their time", () => {
    const d: Decision = {
      id: "1",
      at: "2026-01-05T12:00:00.000Z",
      pool: "eu",
      origin: "eu-1",
      mode: "advise",
      action: "scale-out",
      reason: "forecast crosses <b>70 %</b>",
      from: { replicas: 2 },
      to: { replicas: 4 },
      applied: false,
    };
    expect([
      decisionOutcome(d),
      decisionOutcome({ ...d, mode: "act", applied: true }),
      decisionOutcome({ ...d, error: "timeout" }),
    ]).toEqual(["advised", "applied", "failed"]);
    expect(decisionChange(d)).toBe("2 → 4 replicas");
    expect(decisionChange({ ...d, from: { replicas: 2 }, to: { replicas: 1 } })).toBe("2 → 1 replica");
    expect(decisionMarkers([d])).toEqual([
      {
        t: Date.UTC(2026, 0, 5, 12),
        color: "#16a34a",
        label: "scale-out eu-1 (2 → 4 replicas)",
        title: "scale-out eu-1 · advised · 2 → 4 replicas",
        text: "forecast crosses <b>70 %</b>",
      },
    ]);
  });

  it("keeps the view, pool and window in the URL hash", () => {
    const route = { view: "review" as const, pool: "pool:eu-west", minutes: 1440 };
    expect(parseRoute(routeHash(route))).toEqual(route);
    expect(parseRoute("#/nonsense/%E0%A4%A?minutes=-3")).toEqual({ view: "live", pool: null, minutes: null });
  });
});
