import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ValidationError } from "../../contracts/index.ts";
import { loadScalerConfig, validateScalerConfig } from "./load-config.ts";

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

const YAML = `
intervalSeconds: 15
weights: { kind: worker-admin, url: "http://127.0.0.1:8787" }
defaults:
  rpsPerReplica: 100
  minReplicas: 2
  maxReplicas: 20
  bootSeconds: 300
  provider: { kind: simulator }
origins:
  eu-1: {}
  eu-2: { maxReplicas: 8, provider: { kind: kubernetes, namespace: shop, deployment: web, credentials: in-cluster } }
  us-1: { rpsPerReplica: 250, provider: { kind: webhook, url: "https://ops.example.com/scale", secretEnv: HOOK_SECRET } }
`;

describe("scaler configuration", () => {
  it("loads a YAML file, merging defaults into every origin and filling the rest", async () => {
    dir = await mkdtemp(path.join(tmpdir(), "scaler-config-"));
    const file = path.join(dir, "scaler.yaml");
    await writeFile(file, YAML);
    const config = await loadScalerConfig(file, { LB_ADMIN_TOKEN: "t", HOOK_SECRET: "s" });
    expect(config.intervalSeconds).toBe(15);
    expect(config.overlayTtlSeconds).toBe(300);
    expect(config.policy).toEqual({
      weightHoldSeconds: 300,
      maxSpill: 0.5,
      breachStep: 0.2,
      violationBudget: 0.02,
    });
    expect(config.jobs).toEqual({ attempts: 5, backoffMs: 1000, concurrency: 4 });
    expect(config.origins["eu-1"]).toEqual({
      rpsPerReplica: 100,
      minReplicas: 2,
      maxReplicas: 20,
      bootSeconds: 300,
      provider: { kind: "simulator" },
    });
    expect(config.origins["eu-2"]?.maxReplicas).toBe(8);
    expect(config.origins["eu-2"]?.provider).toEqual({
      kind: "kubernetes",
      namespace: "shop",
      deployment: "web",
      credentials: "in-cluster",
    });
    expect(config.origins["us-1"]?.rpsPerReplica).toBe(250);
  });

  it("accepts the documented example configuration", async () => {
    const config = await loadScalerConfig(path.resolve(import.meta.dirname, "../scaler.example.yaml"), {
      LB_ADMIN_TOKEN: "t",
      SCALE_WEBHOOK_SECRET: "s",
    });
    expect(Object.keys(config.origins)).toEqual(["eu-1", "us-1", "shop-eu", "legacy-dc"]);
    expect(config.origins["legacy-dc"]?.provider.kind).toBe("webhook");
  });

  it("rejects a bad configuration with every problem listed by path", () => {
    const result = validateScalerConfig(
      {
        intervalSeconds: 0,
        policy: { violationBudget: 0.9, maxSpill: 2 },
        weights: {
          kind: "cloudflare-kv",
          accountId: "nope",
          namespaceId: "0123456789abcdef0123456789abcdef",
        },
        defaults: { bootSeconds: 300 },
        origins: {
          "eu-1": {
            rpsPerReplica: -5,
            minReplicas: 2,
            maxReplicas: 20,
            provider: { kind: "kubernetes", namespace: "Shop!", deployment: "web" },
          },
          "Bad Id": { rpsPerReplica: 1 },
        },
      },
      {},
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const paths = result.issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "intervalSeconds",
        "policy.violationBudget",
        "policy.maxSpill",
        "weights.accountId",
        'origins["eu-1"].rpsPerReplica',
        'origins["eu-1"].provider.namespace',
        'origins["Bad Id"]',
      ]),
    );
    for (const issue of result.issues) expect(issue.message.length).toBeGreaterThan(8);
  });

  it("names each knob that is no longer a setting and says where its job went, with the other problems", () => {
    const result = validateScalerConfig(
      {
        weights: { kind: "worker-admin", url: "http://127.0.0.1:8787" },
        policy: {
          sizingQuantile: 0.9,
          bandCap: 0.6,
          violationBudget: 0.02,
          violationBudgetGain: 0.005,
          excursionPrice: 0,
          shortfallPrice: 1.2,
          hysteresis: 0,
          maxSpill: 3,
        },
        defaults: { violationBudget: 0.05 },
        origins: {
          "eu-1": {
            rpsPerReplica: 100,
            minReplicas: 1,
            maxReplicas: 10,
            bootSeconds: 60,
            provider: { kind: "simulator" },
            violationBudget: 0.01,
          },
        },
      },
      { LB_ADMIN_TOKEN: "t" },
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const tail =
      "; state the trade-off in the pool's SLO (violationBudget or spendCeiling), see docs/scaling-policy.md";
    expect(result.issues).toEqual([
      {
        path: "policy.sizingQuantile",
        message: `is no longer a setting: each origin's sizing quantile adapts to its pool's trade-off${tail}`,
      },
      { path: "policy.bandCap", message: `is no longer a setting: the policy derives it${tail}` },
      { path: "policy.violationBudgetGain", message: `is no longer a setting: the policy derives it${tail}` },
      { path: "policy.excursionPrice", message: `is no longer a setting: the policy derives it${tail}` },
      { path: "policy.shortfallPrice", message: `is no longer a setting: the policy derives it${tail}` },
      {
        path: "policy.hysteresis",
        message: `is no longer a setting: scale-in waits for the SLO's scaleInCooldownSeconds${tail}`,
      },
      {
        path: "defaults.violationBudget",
        message: `is no longer a setting: the trade-off is set per pool${tail}`,
      },
      {
        path: 'origins["eu-1"].violationBudget',
        message: `is no longer a setting: the trade-off is set per pool${tail}`,
      },
      { path: "policy.maxSpill", message: "must be at most 1" },
    ]);
    const error = new ValidationError("scaler configuration scaler.yaml", result.issues);
    expect(error.listing()).toContain(
      "  policy.bandCap: is no longer a setting: the policy derives it; state the trade-off in the pool's SLO (violationBudget or spendCeiling), see docs/scaling-policy.md",
    );
  });

  it("lists the problems across fields in the same pass as a wrong shape", () => {
    const result = validateScalerConfig(
      {
        weights: { kind: "worker-admin", url: "http://127.0.0.1:8787", tokenEnv: "ADMIN_TOKEN" },
        policy: { cooldown: 300 },
        origins: {
          "eu-1": {
            rpsPerReplica: "ten",
            minReplicas: 4,
            maxReplicas: 2,
            provider: { kind: "webhook", url: "https://x.example/hook", secretEnv: "HOOK_SECRET" },
          },
        },
      },
      {},
    );
    expect(result).toEqual({
      ok: false,
      issues: [
        {
          path: "policy.cooldown",
          message: expect.stringMatching(
            /^is not a known field \(expected weightHoldSeconds, maxSpill, breachStep, violationBudget\)$/,
          ) as string,
        },
        { path: 'origins["eu-1"].rpsPerReplica', message: "must be a number" },
        { path: 'origins["eu-1"].bootSeconds', message: "is required (set it here or in defaults)" },
        { path: 'origins["eu-1"].minReplicas', message: "must not exceed maxReplicas (2)" },
        {
          path: 'origins["eu-1"].provider.secretEnv',
          message: "names the environment variable HOOK_SECRET, which is not set",
        },
        { path: "weights.tokenEnv", message: "names the environment variable ADMIN_TOKEN, which is not set" },
      ],
    });
  });

  it("names missing fields, inverted bounds and unset secrets once the shape is right", () => {
    const result = validateScalerConfig(
      {
        weights: { kind: "worker-admin", url: "http://127.0.0.1:8787", tokenEnv: "ADMIN_TOKEN" },
        origins: {
          "eu-1": {
            rpsPerReplica: 100,
            minReplicas: 9,
            maxReplicas: 3,
            bootSeconds: 60,
            provider: { kind: "webhook", url: "https://x.example/hook", secretEnv: "HOOK_SECRET" },
          },
          "eu-2": { minReplicas: 1 },
        },
      },
      { HOOK_SECRET: "" },
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toEqual(
      expect.arrayContaining([
        { path: 'origins["eu-1"].minReplicas', message: "must not exceed maxReplicas (3)" },
        {
          path: 'origins["eu-1"].provider.secretEnv',
          message: "names the environment variable HOOK_SECRET, which is not set",
        },
        { path: 'origins["eu-2"].rpsPerReplica', message: "is required (set it here or in defaults)" },
        { path: 'origins["eu-2"].provider', message: "is required (set it here or in defaults)" },
        { path: "weights.tokenEnv", message: "names the environment variable ADMIN_TOKEN, which is not set" },
      ]),
    );
  });

  it("names the file when it is not YAML or cannot be read", async () => {
    dir = await mkdtemp(path.join(tmpdir(), "scaler-config-"));
    const file = path.join(dir, "broken.yaml");
    await writeFile(file, "weights: [unclosed\n");
    await expect(loadScalerConfig(file, {})).rejects.toThrow(ValidationError);
    await expect(loadScalerConfig(file, {})).rejects.toThrow(
      /broken\.yaml is invalid: \(root\): is not valid YAML or JSON/,
    );
    await expect(loadScalerConfig(path.join(dir, "missing.yaml"), {})).rejects.toThrow(/cannot be read/);
  });
});
