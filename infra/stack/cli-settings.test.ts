import { describe, expect, it } from "vitest";
import { cliNameOf, parseCli } from "./cli-settings.ts";

describe("parseCli", () => {
  it("reads flags over environment variables, durations in any unit, into the stack's settings", () => {
    const parsed = parseCli(
      ["--step", "2s", "--lead=1m", "--csv", "load.csv", "--quiet", "--models", "lstm, holt-winters"],
      {
        HEADROOM_STEP: "9s",
        HEADROOM_SPEED: "120",
        HEADROOM_TARGET_UTILIZATION: "0.7",
        REDIS_URL: "redis://127.0.0.1:6390",
      },
    );
    expect(parsed).toEqual({
      ok: true,
      request: {
        help: false,
        quiet: true,
        settings: {
          stepSeconds: 2,
          speed: 120,
          redisUrl: "redis://127.0.0.1:6390",
          trace: { kind: "csv", file: "load.csv" },
          slo: { leadSeconds: 60, targetUtilization: 0.7 },
          models: ["lstm", "holt-winters"],
        },
      },
    });
  });

  it("names each unreadable value by its flag and variable, and unknown flags", () => {
    const parsed = parseCli(["--peak-rps", "lots", "--start", "yesterday"], {
      HEADROOM_STEP: "soon",
      HEADROOM_SEED: "1.5",
    });
    expect(parsed.ok ? [] : parsed.issues).toEqual([
      {
        path: "--start / HEADROOM_START",
        message: '"yesterday" is not a date (ISO-8601 such as 2026-01-13T04:00:00Z, or epoch ms)',
      },
      { path: "--peak-rps / HEADROOM_PEAK_RPS", message: '"lots" is not a number' },
      {
        path: "--step / HEADROOM_STEP",
        message: '"soon" is not a duration (e.g. 5s, 2m, 2h; plain numbers are seconds)',
      },
      { path: "--seed / HEADROOM_SEED", message: '"1.5" is not a whole number' },
    ]);
    const unknown = parseCli(["--sped", "3"], {});
    expect(unknown.ok ? "" : unknown.issues[0]?.message).toMatch(/--sped.*--help lists the options/);
  });

  it("refuses generated-trace options with a CSV, and a column without one", () => {
    const mixed = parseCli(["--csv", "a.csv", "--days", "3"], {});
    expect(mixed.ok ? [] : mixed.issues.map((i) => i.path)).toEqual(["--days, --flash-crowds"]);
    const column = parseCli(["--column", "rps"], {});
    expect(column.ok ? [] : column.issues.map((i) => i.path)).toEqual(["--column / HEADROOM_TRACE_COLUMN"]);
  });

  it("keeps a fleet file aside for reading, and --help", () => {
    expect(parseCli(["--fleet", "fleet.json", "--help"], {})).toMatchObject({
      ok: true,
      request: { help: true, fleetFile: "fleet.json", settings: {} },
    });
  });
});

describe("cliNameOf", () => {
  it("turns a settings path into the flag and variable a user sets", () => {
    expect(cliNameOf("slo.leadSeconds")).toBe("--lead / HEADROOM_LEAD");
    expect(cliNameOf("models[0]")).toBe("--models / HEADROOM_MODELS");
    expect(cliNameOf("fleet.pools[0].name")).toBe("--fleet / HEADROOM_FLEET: pools[0].name");
    expect(cliNameOf("trace.file")).toBe("--csv / HEADROOM_TRACE_CSV");
  });
});
