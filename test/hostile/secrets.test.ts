import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EdgeWorker, TEST_ADMIN_TOKEN } from "../edge/support/edge-worker.ts";
import { FRANKFURT, PARIS, originTable } from "../edge/support/tables.ts";
import { TestOrigin } from "../edge/support/test-origin.ts";
import { sendMany } from "../edge/support/traffic.ts";

// The admin token is the edge's secret: no origin ever receives it (proxied traffic, health
// probes, operators' mistyped admin paths) and no log line ever holds it.

const T0 = Date.UTC(2026, 0, 1);
let edge: EdgeWorker;
let origins: TestOrigin[];

/** Every header value and URL the origins received, health probes included. */
function everythingOriginsSaw(): string {
  const seen = origins.flatMap((origin) => [
    ...origin.seen.map((request) =>
      JSON.stringify({ url: request.url, headers: request.headers, body: request.body }),
    ),
    ...origin.healthSeen.map((headers) => JSON.stringify(headers)),
  ]);
  return seen.join("\n");
}

beforeAll(async () => {
  edge = await EdgeWorker.start();
  origins = await Promise.all(["secret-a", "secret-b"].map((name) => TestOrigin.start(name)));
  expect(
    (
      await edge.admin(
        "PUT",
        "/__lb/table",
        originTable(1, [{ name: "eu", location: FRANKFURT, origins: origins.map((origin) => ({ origin })) }]),
        T0,
      )
    ).status,
  ).toBe(200);
});
afterAll(async () => {
  await Promise.all([edge.stop(), ...origins.map((o) => o.stop())]);
});

describe("the admin token", () => {
  it("never reaches an origin: not with traffic, admin calls, health checks or mistyped admin paths", async () => {
    await sendMany(edge, 40, 4, (i) => ({ geo: PARIS, now: T0 + i, seed: i, path: `/shop/${i}` }));
    for (const path of ["/__lb/status", "/__lb/metrics", "/__lb/table"])
      expect((await edge.admin("GET", path, undefined, T0)).status).toBe(200);
    expect((await edge.admin("POST", "/__lb/check", undefined, T0)).status).toBe(200);
    await edge.cron(T0 + 60_000);
    const hitsBefore = origins.reduce((sum, o) => sum + o.hits, 0);
    for (const path of ["/__LB/table", "/_lb/status", "/__lbstatus", "/__lb%2Ftable", "/api/__lb/table"]) {
      const answer = await edge.text({ path, geo: PARIS, now: T0, admin: true });
      expect(answer.status, path).toBe(400);
      expect(JSON.parse(answer.body)).toEqual({
        error: expect.stringContaining("never forwarded to an origin") as string,
      });
    }
    expect(origins.reduce((sum, o) => sum + o.hits, 0)).toBe(hitsBefore);
    expect(origins.map((o) => o.healthHits)).toEqual([2, 2]);
    expect(everythingOriginsSaw()).not.toContain(TEST_ADMIN_TOKEN);
  });

  it("lets a client's own Authorization header through to the origin, as before", async () => {
    const answer = await edge.text({
      geo: PARIS,
      now: T0,
      seed: 1,
      headers: { authorization: "Bearer the-users-own-token" },
    });
    expect(answer.status).toBe(200);
    const served = origins.find((o) => o.name === answer.headers.get("x-lb-origin"));
    expect(served?.seen.at(-1)?.headers.authorization).toBe("Bearer the-users-own-token");
  });

  it("is never written to the log, even when it is refused for being too short", async () => {
    const kv = await edge.kv();
    await kv.put("weights", "{ truncated");
    await edge.text({ geo: PARIS, now: T0 + 120_000 });
    expect(edge.logs.join("")).toContain("weights");
    expect(edge.logs.join("")).not.toContain(TEST_ADMIN_TOKEN);
    const short = await EdgeWorker.start({ ADMIN_TOKEN: "short-secret" });
    try {
      await short.text({ path: "/__lb/healthz" });
      expect(short.logs.join("")).toContain("ADMIN_TOKEN is shorter than 16 characters");
      expect(short.logs.join("")).not.toContain("short-secret");
    } finally {
      await short.stop();
    }
  });
});
