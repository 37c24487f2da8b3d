import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EdgeWorker } from "./support/edge-worker.ts";
import { metricValue, statusAt } from "./support/status.ts";
import { FRANKFURT, PARIS, originTable } from "./support/tables.ts";
import { TestOrigin } from "./support/test-origin.ts";
import { sendMany } from "./support/traffic.ts";

const T0 = Date.UTC(2026, 0, 1);

describe("the retry budget", () => {
  let edge: EdgeWorker;
  let pool: TestOrigin[];
  beforeAll(async () => {
    // A fresh isolate: the budget is per isolate and must start empty.
    edge = await EdgeWorker.start();
    pool = await Promise.all(
      ["budget-1", "budget-2", "budget-3"].map((name) => TestOrigin.start(name, { status: 503 })),
    );
  });
  afterAll(async () => {
    await Promise.all([edge.stop(), ...pool.map((o) => o.stop())]);
  });

  it("caps retries during a full outage at the budget's share of requests plus its floor", async () => {
    const table = originTable(
      1,
      [{ name: "eu", location: FRANKFURT, origins: pool.map((origin) => ({ origin })) }],
      {
        resilience: {
          retry: { maxAttempts: 3, budgetRatio: 0.2, minPerSecond: 1, backoffBaseMs: 0 },
          ejection: { consecutiveFailures: 1_000 },
        },
      },
    );
    expect((await edge.admin("PUT", "/__lb/table", table, T0)).status).toBe(200);
    // 200 requests over 2 s; without a budget, three tries each would reach the origins 600 times.
    const answers = await sendMany(edge, 200, 4, (i) => ({ geo: PARIS, now: T0 + 10 * i, seed: i }));
    expect(answers.every((a) => a.status === 503)).toBe(true);
    const hits = pool.reduce((sum, o) => sum + o.hits, 0);
    const allowed = 0.2 * 200 + 1 * 10;
    expect(hits - 200).toBeLessThanOrEqual(allowed);
    expect(hits - 200).toBeGreaterThanOrEqual(allowed - 5);
    const status = await statusAt(edge, T0 + 2_000);
    expect(status.retryBudget.exhaustedTotal).toBeGreaterThan(100);
    expect(status.events).toContainEqual(expect.objectContaining({ kind: "retry-budget-exhausted" }));
    expect(await metricValue(edge, "lb_retry_budget_exhausted_total", T0 + 2_000)).toBe(
      status.retryBudget.exhaustedTotal,
    );
  });
});

describe("requests with a body", () => {
  let edge: EdgeWorker;
  let failing: TestOrigin;
  let fine: TestOrigin;
  beforeAll(async () => {
    edge = await EdgeWorker.start();
    [failing, fine] = await Promise.all([
      TestOrigin.start("post-503", { status: 503 }),
      TestOrigin.start("post-200"),
    ]);
    const table = originTable(
      1,
      [{ name: "eu", location: FRANKFURT, origins: [{ origin: failing }, { origin: fine }] }],
      { resilience: { retry: { backoffBaseMs: 0 }, ejection: { consecutiveFailures: 1_000 } } },
    );
    expect((await edge.admin("PUT", "/__lb/table", table, T0)).status).toBe(200);
  });
  afterAll(async () => {
    await Promise.all([edge.stop(), failing.stop(), fine.stop()]);
  });

  it("never replays a POST whose body was sent upstream", async () => {
    const answers = await sendMany(edge, 40, 2, (i) => ({
      method: "POST",
      body: `order-${i}`,
      geo: PARIS,
      now: T0 + 10 * i,
      seed: i,
    }));
    expect(failing.hits + fine.hits).toBe(40);
    expect(answers.filter((a) => a.status === 503).length).toBe(failing.hits);
    expect(failing.seen.every((seen) => seen.body.startsWith("order-"))).toBe(true);
  });

  it("still retries an idempotent GET that met the same 503", async () => {
    const answers = await sendMany(edge, 40, 2, (i) => ({ geo: PARIS, now: T0 + 10 * i, seed: 100 + i }));
    expect(answers.every((a) => a.status === 200)).toBe(true);
  });

  it("does not retry a POST with a body when the connection fails, and says so", async () => {
    await fine.refuse();
    try {
      const answers = await sendMany(edge, 30, 1, (i) => ({
        method: "POST",
        body: "x",
        geo: PARIS,
        now: T0 + 60_000 + 1_000 * i,
        seed: 200 + i,
      }));
      const refused = answers.filter((a) => a.status !== 503 || !a.body.includes("post-503"));
      expect(refused.length).toBeGreaterThan(0);
      for (const answer of refused) {
        expect(answer.status).toBe(503);
        expect(JSON.parse(answer.body)).toEqual({
          error: expect.stringContaining("no origin could be reached (last: post-200") as string,
        });
      }
    } finally {
      await fine.restore();
    }
  });
});
