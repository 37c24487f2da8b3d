import { describe, expect, it } from "vitest";
import { resolveStackSettings } from "./stack-options.ts";

const paths = (input: unknown): string[] => {
  const resolved = resolveStackSettings(input);
  return resolved.ok ? [] : resolved.issues.map((issue) => issue.path).sort();
};

describe("resolveStackSettings", () => {
  it("gives a newcomer the documented demo: 8 origins, 5 s steps, a 2 h history, the LSTM beside the classical models", () => {
    const resolved = resolveStackSettings({});
    expect(resolved.ok).toBe(true);
    if (!resolved.ok) return;
    const s = resolved.value;
    expect(s.origins.map((o) => o.id)).toEqual([
      "eu-west-1",
      "eu-west-2",
      "us-east-1",
      "us-east-2",
      "ap-southeast-1",
      "ap-southeast-2",
      "sa-east-1",
      "sa-east-2",
    ]);
    expect(s.origins.every((o) => o.bootDelaySeconds === 15)).toBe(true);
    expect(s).toMatchObject({
      stepSeconds: 5,
      speed: 60,
      backfillSeconds: 7_200,
      horizonSteps: 24,
      edgePort: 8787,
      predictorPort: 8090,
      scalerPort: 8091,
      models: ["seasonal-naive", "holt-winters", "lstm"],
      lstmEpochs: 20,
      slo: { targetUtilization: 0.6, leadSeconds: 30 },
    });
    expect(s.fleet.basePort).toBe(9101);
    expect(s.prefix).toBeUndefined();
  });

  it("applies the boot delay and base port to the fleet, while an origin's own boot delay wins", () => {
    const resolved = resolveStackSettings({
      bootDelaySeconds: 3,
      originBasePort: 0,
      slo: { leadSeconds: 20 },
      fleet: {
        pools: [
          {
            name: "p",
            city: "X",
            location: { lat: 0, lon: 0 },
            origins: [{ id: "a" }, { id: "b", bootDelaySeconds: 9 }],
          },
        ],
      },
    });
    expect(resolved.ok && resolved.value.origins.map((o) => o.bootDelaySeconds)).toEqual([3, 9]);
    expect(resolved.ok && resolved.value.fleet.basePort).toBe(0);
  });

  it("refuses an SLO lead shorter than the slowest boot, a horizon that stops before the lead, and a history too short to train on", () => {
    expect(paths({ bootDelaySeconds: 40 })).toEqual(["slo.leadSeconds"]);
    expect(paths({ horizonSeconds: 30 })).toEqual(["horizonSeconds"]);
    expect(paths({ backfillSeconds: 300 })).toEqual(["backfillSeconds"]);
    expect(paths({ backfillSeconds: 10_000, retentionSeconds: 9_000 })).toEqual(["backfillSeconds"]);
    expect(paths({ backfillSeconds: 0 })).toEqual([]);
  });

  it("names every bad setting with its path, fleet problems under fleet.", () => {
    expect(
      paths({ speed: 0, edgePort: 60_000, models: ["arima"], prefix: "a b", adminToken: "short" }),
    ).toEqual(["adminToken", "edgePort", "models[0]", "prefix", "speed"]);
    expect(
      paths({
        fleet: {
          pools: [
            {
              name: "p",
              city: "X",
              location: { lat: 0, lon: 0 },
              origins: [{ id: "a", initialReplicas: 20, maxReplicas: 4 }],
            },
          ],
        },
      }),
    ).toEqual(["fleet.pools[0].origins[0].initialReplicas"]);
    expect(paths({ trace: { kind: "csv" } })).toEqual(["trace.file"]);
  });
});
