import { describe, expect, it } from "vitest";
import { validateSlo } from "./slo.ts";

const base = {
  pool: "eu-west",
  mode: "act",
  targetUtilization: 0.7,
  leadSeconds: 300,
  scaleInCooldownSeconds: 600,
};

describe("an SLO's trade-off", () => {
  it("accepts a violation budget, a spend ceiling or neither", () => {
    expect(validateSlo({ ...base, violationBudget: 0.05 })).toEqual({
      ok: true,
      value: { ...base, violationBudget: 0.05 },
    });
    expect(validateSlo({ ...base, spendCeiling: 1.5 })).toEqual({
      ok: true,
      value: { ...base, spendCeiling: 1.5 },
    });
    expect(validateSlo(base).ok).toBe(true);
  });

  it("refuses both at once with a problem naming both fields", () => {
    const result = validateSlo({ ...base, violationBudget: 0.02, spendCeiling: 1.5 });
    expect(result).toEqual({
      ok: false,
      issues: [
        {
          path: "spendCeiling",
          message:
            "cannot be set together with violationBudget: an SLO states one trade-off, a violation budget or a spend ceiling",
        },
      ],
    });
  });

  it("names each field out of range, alongside the other fields' problems", () => {
    const result = validateSlo({ ...base, targetUtilization: 2, violationBudget: 0.6 }, "eu-west");
    expect(result.ok ? [] : result.issues).toEqual([
      { path: "targetUtilization", message: "must be at most 1" },
      { path: "violationBudget", message: "must be at most 0.5" },
    ]);
    const ceiling = validateSlo({ ...base, mode: "loud", spendCeiling: 0.9 });
    expect(ceiling.ok ? [] : ceiling.issues).toEqual([
      { path: "mode", message: "must be one of off, advise, act" },
      { path: "spendCeiling", message: "must be at least 1" },
    ]);
    const both = validateSlo({ ...base, mode: "loud", violationBudget: 0.1, spendCeiling: 2 });
    expect(both.ok ? [] : both.issues.map((i) => i.path)).toEqual(["mode", "spendCeiling"]);
  });

  it("lists the trade-off among the known fields when a field is misspelt", () => {
    const result = validateSlo({ ...base, spendCap: 2 });
    expect(result.ok ? [] : result.issues).toEqual([
      {
        path: "spendCap",
        message:
          "is not a known field (expected pool, mode, targetUtilization, p95LatencyMs, maxErrorRate, leadSeconds, scaleInCooldownSeconds, violationBudget, spendCeiling)",
      },
    ]);
  });
});
