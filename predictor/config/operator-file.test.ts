import { describe, expect, it } from "vitest";
import { parseOperatorFile } from "./operator-file.ts";

const FILE = `# SLOs and events that survive their store
slos:
  - pool: eu-west
    mode: act
    targetUtilization: 0.7
    leadSeconds: 300
    scaleInCooldownSeconds: 600
  - { pool: us-east, mode: advise, targetUtilization: 0.6, leadSeconds: 120, scaleInCooldownSeconds: 300 }
events:
  - id: launch
    pool: eu-west
    start: 2026-12-01T09:00:00Z
    end: 2026-12-01T12:00:00Z
    expectedRps: 2500
    note: product launch
`;

describe("the operator file (--slos-file)", () => {
  it("reads SLOs and scheduled events as the API takes them, from YAML or JSON", () => {
    const parsed = parseOperatorFile(FILE);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.slos.map((s) => `${s.pool}:${s.mode}`)).toEqual(["eu-west:act", "us-east:advise"]);
    expect(parsed.value.events).toEqual([
      {
        id: "launch",
        pool: "eu-west",
        start: "2026-12-01T09:00:00Z",
        end: "2026-12-01T12:00:00Z",
        expectedRps: 2500,
        note: "product launch",
      },
    ]);
    const json = parseOperatorFile(JSON.stringify({ slos: parsed.value.slos }));
    expect(json).toEqual({ ok: true, value: { slos: parsed.value.slos, events: [] } });
    expect(parseOperatorFile("")).toEqual({ ok: true, value: { slos: [], events: [] } });
  });

  it("lists every problem with its path and the line it is on", () => {
    const bad = FILE.replace("mode: act", "mode: panic")
      .replace("targetUtilization: 0.6", "targetUtilization: 6")
      .replace("end: 2026-12-01T12:00:00Z", "end: 2026-12-01T08:00:00Z")
      .concat("extra: 1\n");
    const parsed = parseOperatorFile(bad);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.issues).toEqual([
      { path: "extra", message: "line 16: is not a known field (expected slos, events)" },
      { path: "slos[0].mode", message: "line 4: must be one of off, advise, act" },
      { path: "slos[1].targetUtilization", message: "line 8: must be at most 1" },
      { path: "events[0].end", message: "line 13: must be after start (2026-12-01T09:00:00Z)" },
    ]);
  });

  it("refuses a pool or an event id declared twice, and a list that is not one", () => {
    const twice = parseOperatorFile(FILE.replace("pool: us-east", "pool: eu-west"));
    expect(twice.ok || twice.issues).toEqual([
      { path: "slos[1].pool", message: 'line 8: "eu-west" is declared already (slos[0])' },
    ]);
    expect(parseOperatorFile("slos: { pool: eu }")).toEqual({
      ok: false,
      issues: [{ path: "slos", message: "line 1: must be a list" }],
    });
    expect(parseOperatorFile("- 1")).toEqual({
      ok: false,
      issues: [{ path: "", message: "line 1: must be a map with the lists slos and events" }],
    });
  });

  it("names the line and column of a syntax error", () => {
    const parsed = parseOperatorFile("slos:\n  - pool: eu\n    mode: [act\n");
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.issues[0]?.message).toMatch(/^is not valid YAML or JSON: .*line \d+, column \d+/);
  });
});
