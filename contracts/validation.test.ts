import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { sloSchema } from "./slo.ts";
import { validateWith } from "./validation.ts";

const nested = v.strictObject({
  name: v.string(),
  note: v.optional(v.string()),
  items: v.optional(v.array(v.strictObject({ size: v.number() }))),
  byName: v.optional(v.record(v.string(), v.strictObject({ weight: v.number() }))),
});

describe("validateWith's messages", () => {
  it("calls a missing field required and names the fields an unknown one could have been", () => {
    const result = validateWith(nested, {
      note: "x",
      colour: "red",
      items: [{ size: 1, sise: 2 }, {}],
      byName: { a: { wieght: 1 } },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toEqual(
      expect.arrayContaining([
        { path: "name", message: "is required" },
        { path: "colour", message: "is not a known field (expected name, note, items, byName)" },
        { path: "items[0].sise", message: "is not a known field (expected size)" },
        { path: "items[1].size", message: "is required" },
        { path: "byName.a.weight", message: "is required" },
        { path: "byName.a.wieght", message: "is not a known field (expected weight)" },
      ]),
    );
    expect(result.issues).toHaveLength(6);
  });

  it("says what type a field must have and what it got", () => {
    const result = validateWith(nested, { name: 7, items: {} });
    expect(result).toEqual({
      ok: false,
      issues: [
        { path: "name", message: "must be a string, not 7" },
        { path: "items", message: "must be a list, not an object" },
      ],
    });
  });

  it("keeps a schema's own words, which never echo the value (it may be a secret)", () => {
    expect(
      validateWith(v.strictObject({ token: v.number("must be a number") }), { token: "s3cret-token" }),
    ).toEqual({ ok: false, issues: [{ path: "token", message: "must be a number" }] });
    const result = validateWith(sloSchema, {
      pool: "eu-west",
      mode: "loud",
      targetUtilization: 2,
      leadSeconds: 60,
      scaleInCooldownSeconds: 300,
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toEqual([
      { path: "mode", message: expect.stringContaining("off") as string },
      { path: "targetUtilization", message: "must be at most 1" },
    ]);
  });
});
