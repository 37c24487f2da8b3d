import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deployProblems, predictorDataset } from "../../infra/tools/deploy-edge.ts";
import { runScript } from "../support/run-script.ts";

const good = {
  kv_namespaces: [{ binding: "ORIGINS", id: "3f2a9c1e5b7d4f608a1c2e3d4b5a6978" }],
  vars: { EXPOSE_ORIGIN: "false", TRUST_GEO_HEADER: "false", TEST_HOOKS: "false" },
  triggers: { crons: ["* * * * *"] },
  analytics_engine_datasets: [{ binding: "ANALYTICS", dataset: "headroom_edge_requests" }],
  ratelimits: [{ name: "RATE_LIMITER", namespace_id: "1001", simple: { limit: 600, period: 60 } }],
};
// Wrangler must neither phone home nor look for updates while tested.
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", WRANGLER_HIDE_BANNER: "true" };

describe("deployProblems", () => {
  it("passes a production configuration", () => {
    expect(deployProblems(good)).toEqual([]);
  });

  it("names the placeholder namespace, a missing binding, test hooks, a trusted geo header and no cron", () => {
    expect(
      deployProblems({
        ...good,
        kv_namespaces: [{ binding: "ORIGINS", id: "00000000000000000000000000000000" }],
      }).map((p) => p.field),
    ).toEqual(["kv_namespaces.ORIGINS.id"]);
    expect(
      deployProblems({ ...good, kv_namespaces: [{ binding: "ORIGINS", id: "my-namespace" }] }).map(
        (p) => p.field,
      ),
    ).toEqual(["kv_namespaces.ORIGINS.id"]);
    expect(
      deployProblems({
        ...good,
        kv_namespaces: [{ binding: "CACHE", id: "3f2a9c1e5b7d4f608a1c2e3d4b5a6978" }],
      }),
    ).toEqual([
      { field: "kv_namespaces", message: expect.stringContaining('no binding "ORIGINS"') as string },
    ]);
    expect(
      deployProblems({ ...good, vars: { TEST_HOOKS: "true", TRUST_GEO_HEADER: "true" }, triggers: {} }).map(
        (p) => p.field,
      ),
    ).toEqual(["vars.TEST_HOOKS", "vars.TRUST_GEO_HEADER", "triggers.crons"]);
  });
});

describe("the fleet-wide bindings deploy:edge checks", () => {
  it("wants the ANALYTICS dataset the predictor reads and the RATE_LIMITER", () => {
    expect(
      deployProblems({ ...good, analytics_engine_datasets: [], ratelimits: [] }).map((p) => p.field),
    ).toEqual(["analytics_engine_datasets", "ratelimits"]);
    expect(deployProblems(good, "edge_requests_eu")).toEqual([
      {
        field: "analytics_engine_datasets.ANALYTICS.dataset",
        message: expect.stringContaining(
          'is "headroom_edge_requests", but the predictor reads "edge_requests_eu"',
        ) as string,
      },
    ]);
  });

  it("accepts the binding in its older unsafe form, and checks the limit, the period and the namespace", () => {
    const unsafe = {
      ...good,
      ratelimits: [],
      unsafe: {
        bindings: [
          {
            name: "RATE_LIMITER",
            type: "ratelimit",
            namespace_id: "1001",
            simple: { limit: 10, period: 10 },
          },
        ],
      },
    };
    expect(deployProblems(unsafe)).toEqual([]);
    expect(
      deployProblems({
        ...good,
        ratelimits: [{ name: "RATE_LIMITER", namespace_id: "limiter", simple: { limit: 0, period: 30 } }],
      }).map((p) => p.field),
    ).toEqual([
      "ratelimits.RATE_LIMITER.namespace_id",
      "ratelimits.RATE_LIMITER.simple.limit",
      "ratelimits.RATE_LIMITER.simple.period",
    ]);
  });

  it("learns the predictor's dataset from --predictor-dataset, else PREDICTOR_EDGE_ANALYTICS_DATASET, else its default", () => {
    expect(predictorDataset("a_flag", { PREDICTOR_EDGE_ANALYTICS_DATASET: "an_env" })).toBe("a_flag");
    expect(predictorDataset(undefined, { PREDICTOR_EDGE_ANALYTICS_DATASET: "an_env" })).toBe("an_env");
    expect(predictorDataset(undefined, {})).toBe("headroom_edge_requests");
  });
});

describe("npm run deploy:edge", () => {
  let dir = "";
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "deploy-edge-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("refuses to deploy the repository's wrangler.toml as it is, before anything is uploaded", async () => {
    const result = await runScript("infra/tools/deploy-edge.ts", [], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'wrangler.toml (top level) kv_namespaces.ORIGINS.id is "00000000000000000000000000000000"',
    );
    expect(result.stderr).toContain("nothing was deployed");
    expect(result.stdout).toBe("");
  });

  it("refuses the dev environment, which trusts the geo header", async () => {
    const result = await runScript("infra/tools/deploy-edge.ts", ["--env", "dev"], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('wrangler.toml [env.dev] vars.TRUST_GEO_HEADER is "true"');
    const unknown = await runScript("infra/tools/deploy-edge.ts", ["--env", "staging"], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("has no [env.staging] (it has: dev)");
  });

  it("bundles the production Worker with --dry-run, warning about what a deployment would refuse", async () => {
    const result = await runScript("infra/tools/deploy-edge.ts", ["--dry-run", "--outdir", dir], env);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("warning: wrangler.toml (top level) kv_namespaces.ORIGINS.id");
    expect(result.stdout).toMatch(/Total Upload: [\d.]+ KiB/);
    expect(result.stdout).toContain('env.TEST_HOOKS ("false")');
    const bundle = await readFile(path.join(dir, "index.js"));
    // Far below what any Workers plan accepts; a jump here means a dependency slipped into the bundle.
    expect(gzipSync(bundle).length).toBeLessThan(1024 * 1024);
    expect((await stat(path.join(dir, "index.js"))).size).toBeGreaterThan(10_000);
  });

  it("warns when the dataset the predictor reads is not the one the Worker writes", async () => {
    const result = await runScript("infra/tools/deploy-edge.ts", ["--dry-run", "--outdir", dir], {
      ...env,
      PREDICTOR_EDGE_ANALYTICS_DATASET: "edge_requests_eu",
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      'warning: wrangler.toml (top level) analytics_engine_datasets.ANALYTICS.dataset is "headroom_edge_requests", but the predictor reads "edge_requests_eu"',
    );
    const flagged = await runScript(
      "infra/tools/deploy-edge.ts",
      ["--predictor-dataset", "headroom_edge_requests"],
      {
        ...env,
        PREDICTOR_EDGE_ANALYTICS_DATASET: "edge_requests_eu",
      },
    );
    expect(flagged.stderr).not.toContain("analytics_engine_datasets");
  });

  it("checks the file --config names", async () => {
    const file = path.join(dir, "prod.toml");
    await writeFile(
      file,
      `name = "edge"\nmain = "${path.resolve("edge/index.ts")}"\ncompatibility_date = "2026-07-30"\nkv_namespaces = [{ binding = "ORIGINS", id = "3f2a9c1e5b7d4f608a1c2e3d4b5a6978" }]\n[vars]\nTEST_HOOKS = "true"\n`,
    );
    const result = await runScript("infra/tools/deploy-edge.ts", ["--config", file], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('prod.toml (top level) vars.TEST_HOOKS is "true"');
    expect(result.stderr).toContain("triggers.crons is empty");
    const broken = path.join(dir, "broken.toml");
    await writeFile(broken, 'name = "edge"\nmain = [\n');
    const unreadable = await runScript("infra/tools/deploy-edge.ts", ["--config", broken], env);
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toMatch(/^deploy:edge: .*broken\.toml:3:1: Invalid TOML document/);
  });
});
