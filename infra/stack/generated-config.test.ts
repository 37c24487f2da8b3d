import { describe, expect, it } from "vitest";
import { validateSlo } from "../../contracts/index.ts";
import { parseTargetsFile } from "../../predictor/config/targets-file.ts";
import { validateScalerConfig } from "../../scaler/config/load-config.ts";
import { buildOriginTable } from "../simulator/fleet.ts";
import { predictorTargets, SCALER_SECRET_ENV, scalerConfig, seededSlos } from "./generated-config.ts";
import { resolveStackSettings } from "./stack-options.ts";

const resolved = resolveStackSettings({
  fleet: {
    defaults: { capacityPerReplicaRps: 35, maxReplicas: 6 },
    pools: [
      {
        name: "eu",
        city: "Frankfurt",
        location: { lat: 50, lon: 8 },
        origins: [{ id: "eu-1" }, { id: "eu-2", bootDelaySeconds: 20.5 }],
      },
      {
        name: "us",
        city: "Ashburn",
        location: { lat: 39, lon: -77 },
        origins: [{ id: "us-1", minReplicas: 2, initialReplicas: 2 }],
      },
    ],
  },
});
if (!resolved.ok) throw new Error("fixture settings are invalid");
const settings = resolved.value;
const table = buildOriginTable(settings.fleet, (id) => `http://127.0.0.1:9101/${id}/`, Date.UTC(2026, 0, 5));

describe("the stack's generated configuration", () => {
  it("gives the scaler a valid file: the simulator provider per origin with its own capacity, range and boot", () => {
    const env = {
      [SCALER_SECRET_ENV.edgeToken]: "t".repeat(20),
      [SCALER_SECRET_ENV.simulatorToken]: "s".repeat(20),
    };
    const checked = validateScalerConfig(
      scalerConfig(settings.origins, "http://127.0.0.1:8787", settings),
      env,
    );
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(checked.value.intervalSeconds).toBe(5);
    expect(checked.value.weights).toMatchObject({ kind: "worker-admin", url: "http://127.0.0.1:8787" });
    expect(checked.value.origins).toEqual({
      "eu-1": {
        rpsPerReplica: 35,
        minReplicas: 1,
        maxReplicas: 6,
        bootSeconds: 15,
        provider: { kind: "simulator", tokenEnv: "SIM_CONTROL_TOKEN" },
      },
      "eu-2": {
        rpsPerReplica: 35,
        minReplicas: 1,
        maxReplicas: 6,
        bootSeconds: 21,
        provider: { kind: "simulator", tokenEnv: "SIM_CONTROL_TOKEN" },
      },
      "us-1": {
        rpsPerReplica: 35,
        minReplicas: 2,
        maxReplicas: 6,
        bootSeconds: 15,
        provider: { kind: "simulator", tokenEnv: "SIM_CONTROL_TOKEN" },
      },
    });
    // Secrets travel only by environment variable: without them the scaler refuses to start.
    expect(
      validateScalerConfig(scalerConfig(settings.origins, "http://127.0.0.1:8787", settings), {}).ok,
    ).toBe(false);
  });

  it("gives the predictor every origin's /metrics with a timeout under one step", () => {
    const parsed = parseTargetsFile(JSON.stringify(predictorTargets(table, 2)));
    expect(parsed).toEqual({
      ok: true,
      prometheus: null,
      targets: [
        { origin: "eu-1", url: "http://127.0.0.1:9101/eu-1/metrics", timeoutMs: 1_000 },
        { origin: "eu-2", url: "http://127.0.0.1:9101/eu-2/metrics", timeoutMs: 1_000 },
        { origin: "us-1", url: "http://127.0.0.1:9101/us-1/metrics", timeoutMs: 1_000 },
      ],
    });
  });

  it("seeds every pool with a valid SLO in act mode", () => {
    const slos = seededSlos(table, settings.slo);
    expect(slos.map((slo) => [slo.pool, slo.mode, validateSlo(slo, slo.pool).ok])).toEqual([
      ["eu", "act", true],
      ["us", "act", true],
    ]);
    expect(slos[0]).toEqual({
      pool: "eu",
      mode: "act",
      targetUtilization: 0.6,
      leadSeconds: 30,
      scaleInCooldownSeconds: 120,
      p95LatencyMs: 750,
      maxErrorRate: 0.01,
    });
  });
});
