import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EDGE_METRICS } from "../../contracts/metric-names.ts";
import { EdgeWorker, TEST_ADMIN_TOKEN } from "./support/edge-worker.ts";
import { FRANKFURT, PARIS, originTable } from "./support/tables.ts";
import { TestOrigin } from "./support/test-origin.ts";
import { sendMany } from "./support/traffic.ts";

let edge: EdgeWorker;
let origin: TestOrigin;
const T0 = Date.UTC(2026, 0, 1);
const table = (version: number) =>
  originTable(version, [{ name: "eu", location: FRANKFURT, origins: [{ origin }] }]);
const overlay = (version: number) => ({
  version,
  updatedAt: new Date(T0).toISOString(),
  expiresAt: new Date(T0 + 3_600_000).toISOString(),
  factors: { adm: 2 },
  reason: "forecast peak at 12:00",
});

beforeAll(async () => {
  [edge, origin] = await Promise.all([EdgeWorker.start(), TestOrigin.start("adm")]);
});
afterAll(async () => {
  await Promise.all([edge.stop(), origin.stop()]);
});

describe("admin API", () => {
  it("answers healthz without a token", async () => {
    const answer = await edge.text({ path: "/__lb/healthz" });
    expect([answer.status, JSON.parse(answer.body)]).toEqual([200, { ok: true }]);
  });

  it("refuses a missing or wrong bearer token", async () => {
    const missing = await edge.text({ path: "/__lb/table" });
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toContain("Bearer");
    const wrong = await edge.text({
      path: "/__lb/status",
      headers: { authorization: "Bearer not-the-token-at-all" },
    });
    expect(wrong.status).toBe(401);
    expect(JSON.parse(wrong.body)).toEqual({ error: expect.stringContaining("bearer token") as string });
  });

  it("accepts the bearer scheme in any case, and only the exact token", async () => {
    for (const authorization of [`bearer ${TEST_ADMIN_TOKEN}`, `BEARER ${TEST_ADMIN_TOKEN}`])
      expect((await edge.text({ path: "/__lb/status", headers: { authorization } })).status).toBe(200);
    for (const authorization of [
      `Bearer ${TEST_ADMIN_TOKEN}x`,
      `Bearer ${TEST_ADMIN_TOKEN.slice(0, -1)}`,
      `Bearer ${TEST_ADMIN_TOKEN.toUpperCase()}`,
      `Basic ${TEST_ADMIN_TOKEN}`,
      TEST_ADMIN_TOKEN,
    ]) {
      expect((await edge.text({ path: "/__lb/status", headers: { authorization } })).status).toBe(401);
    }
  });

  it("answers 405 with Allow to a method an admin route does not take", async () => {
    const answer = await edge.admin("DELETE", "/__lb/table");
    expect(answer.status).toBe(405);
    expect(answer.headers.get("allow")).toBe("GET, PUT");
  });

  it("stores a valid table and serves it back; an unknown admin route is 404", async () => {
    expect((await edge.admin("GET", "/__lb/table")).status).toBe(404);
    const put = await edge.admin("PUT", "/__lb/table", table(5), T0);
    expect(put).toMatchObject({ status: 200, body: { ok: true, version: 5 } });
    expect((await edge.admin("GET", "/__lb/table")).body).toEqual(table(5));
    expect((await edge.admin("GET", "/__lb/nothing-here")).status).toBe(404);
  });

  it("refuses an invalid table with every issue and leaves the stored one untouched", async () => {
    const bad = table(6) as unknown as { pools: { origins: Record<string, unknown>[] }[] };
    const first = bad.pools[0]?.origins[0];
    if (!first) throw new Error("fixture");
    first.url = "ftp://nope";
    first.weight = -1;
    const put = await edge.admin("PUT", "/__lb/table", bad, T0);
    expect(put.status).toBe(400);
    const issues = (put.body as { issues: { path: string }[] }).issues.map((issue) => issue.path);
    expect(issues).toEqual(["pools[0].origins[0].url", "pools[0].origins[0].weight"]);
    const notJson = await edge.admin("PUT", "/__lb/table", "{ nope", T0);
    expect(notJson.status).toBe(400);
    expect((notJson.body as { issues: { path: string; message: string }[] }).issues[0]?.message).toContain(
      "not valid JSON",
    );
    expect((await edge.admin("GET", "/__lb/table")).body).toEqual(table(5));
  });

  it("refuses a version that is not greater than the stored one (409), keeping the stored table", async () => {
    const stale = await edge.admin(
      "PUT",
      "/__lb/table",
      { ...table(5), updatedAt: new Date(T0 + 1).toISOString() },
      T0,
    );
    expect(stale.status).toBe(409);
    expect((stale.body as { error: string }).error).toContain("not greater than the stored table version 5");
    expect((await edge.admin("GET", "/__lb/table")).body).toEqual(table(5));
  });

  it("validates and versions the weights overlay the same way", async () => {
    expect((await edge.admin("PUT", "/__lb/weights", overlay(3), T0)).status).toBe(200);
    expect((await edge.admin("PUT", "/__lb/weights", overlay(3), T0)).status).toBe(409);
    const invalid = await edge.admin("PUT", "/__lb/weights", { ...overlay(4), factors: { adm: 11 } }, T0);
    expect(invalid.status).toBe(400);
    expect((invalid.body as { issues: { path: string }[] }).issues[0]?.path).toBe("factors.adm");
    expect((await edge.admin("GET", "/__lb/weights")).body).toEqual(overlay(3));
  });

  it("shows this isolate's view of each origin on /__lb/status", async () => {
    await edge.text({ geo: PARIS, now: T0 });
    const status = await edge.admin("GET", "/__lb/status", undefined, T0);
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({
      table: { version: 5 },
      weights: { version: 3, active: true, reason: "forecast peak at 12:00" },
      panic: false,
      origins: [
        {
          id: "adm",
          pool: "eu",
          weight: 100,
          factor: 2,
          effectiveWeight: 200,
          healthy: true,
          ejected: false,
          inflight: 0,
        },
      ],
    });
  });

  it("exposes Prometheus metrics under the contract's names", async () => {
    const metrics = await edge.admin("GET", "/__lb/metrics", undefined, T0);
    expect(metrics.headers.get("content-type")).toContain("text/plain");
    const text = String(metrics.body);
    expect(text).toContain(`${EDGE_METRICS.requests}{pool="eu",origin="adm",code="200"}`);
    expect(text).toContain(`${EDGE_METRICS.requestDuration}_bucket{pool="eu",origin="adm",le="+Inf"}`);
    for (const name of [EDGE_METRICS.ejected, EDGE_METRICS.inflight, EDGE_METRICS.latencyEwma])
      expect(text).toContain(`${name}{origin="adm"}`);
    for (const line of text.trim().split("\n"))
      expect(line).toMatch(/^(# (HELP|TYPE) \w+ .+|\w+(\{[^}]*\})? -?[\d.e+-]+)$/);
  });

  it("keeps serving through a corrupted table in KV, and reports it", async () => {
    const kv = await edge.kv();
    await kv.put("table", '{"version": 99, "pools": "corrupted');
    // Past the isolate cache's 5 s TTL, every request reads the corrupted document first.
    const answers = await sendMany(edge, 60, 4, (i) => ({ geo: PARIS, now: T0 + 10_000 + i * 1_000 }));
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    const status = await edge.admin("GET", "/__lb/status", undefined, T0 + 80_000);
    expect((status.body as { problems: { document: string; message: string }[] }).problems).toEqual([
      expect.objectContaining({ document: "table", message: expect.stringContaining("invalid") as string }),
    ]);
    await kv.put(
      "table",
      JSON.stringify({
        ...table(7),
        pools: [
          {
            name: "eu",
            location: FRANKFURT,
            countries: ["FR"],
            origins: [{ id: "adm", url: origin.url, weight: "heavy" }],
          },
        ],
      }),
    );
    expect((await edge.text({ geo: PARIS, now: T0 + 90_000 })).status).toBe(200);
  });
});

describe("admin API without a token", () => {
  it("answers 404 on every admin route but healthz", async () => {
    const bare = await EdgeWorker.start({ ADMIN_TOKEN: "" });
    try {
      expect((await bare.text({ path: "/__lb/healthz" })).status).toBe(200);
      for (const path of ["/__lb/table", "/__lb/status", "/__lb/metrics"])
        expect((await bare.admin("GET", path)).status).toBe(404);
      expect((await bare.admin("PUT", "/__lb/table", table(1))).status).toBe(404);
    } finally {
      await bare.stop();
    }
  });

  it("ignores the test clock header unless TEST_HOOKS is on", async () => {
    const plain = await EdgeWorker.start({ TEST_HOOKS: "false" });
    try {
      const status = await plain.admin("GET", "/__lb/status", undefined, 1_000);
      expect(Date.parse((status.body as { now: string }).now)).toBeGreaterThan(Date.UTC(2020, 0, 1));
    } finally {
      await plain.stop();
    }
  });
});
