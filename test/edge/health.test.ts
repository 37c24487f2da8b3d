import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { HealthReport } from "../../contracts/health-report.ts";
import type { OriginTable } from "../../contracts/origin-table.ts";
import { EdgeWorker } from "./support/edge-worker.ts";
import { metricValue, originStatus, statusAt } from "./support/status.ts";
import { ASHBURN, FRANKFURT, PARIS, originTable } from "./support/tables.ts";
import { TestOrigin } from "./support/test-origin.ts";
import { sendMany, sharesOf } from "./support/traffic.ts";

// Active health checks run by the cron trigger (Miniflare's scheduled handler) against real
// origins' health paths, one minute apart on the injected clock.

const T0 = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;
let edge: EdgeWorker;
let version = 0;
const started: TestOrigin[] = [];

async function origins<const Names extends readonly string[]>(
  ...names: Names
): Promise<{ [K in keyof Names]: TestOrigin }> {
  const list = await Promise.all(names.map((name) => TestOrigin.start(name)));
  started.push(...list);
  return list as { [K in keyof Names]: TestOrigin };
}

async function putTable(table: OriginTable): Promise<void> {
  expect((await edge.admin("PUT", "/__lb/table", table, T0)).status).toBe(200);
}

async function storedReport(): Promise<HealthReport> {
  const text = await (await edge.kv()).get("health");
  if (text === null) throw new Error("no health report in KV");
  return JSON.parse(text) as HealthReport;
}

beforeAll(async () => {
  edge = await EdgeWorker.start();
});
afterEach(async () => {
  await Promise.all(started.splice(0).map((o) => o.stop()));
});
afterAll(async () => {
  await edge.stop();
});

describe("active health checks", () => {
  it("turns an origin unhealthy after `fall` failed probes and healthy after `rise` passed ones, in one report per run", async () => {
    const [steady, sick] = await origins("hc-steady", "hc-sick");
    await putTable(
      originTable(
        ++version,
        [{ name: "eu", location: FRANKFURT, origins: [{ origin: steady }, { origin: sick }] }],
        { resilience: { healthCheck: { rise: 2, fall: 3 } } },
      ),
    );
    sick.behaviour.healthStatus = 503;
    const healthy: boolean[] = [];
    for (let run = 0; run < 3; run++) {
      await edge.cron(T0 + run * MINUTE);
      healthy.push(originStatus(await statusAt(edge, T0 + run * MINUTE + 1), "hc-sick").healthy);
    }
    expect(healthy).toEqual([true, true, false]);
    const report = await storedReport();
    expect(report.checkedAt).toBe(new Date(T0 + 2 * MINUTE).toISOString());
    expect(report.origins["hc-sick"]).toMatchObject({ healthy: false, consecutiveFailures: 3, status: 503 });
    expect(report.origins["hc-steady"]).toMatchObject({ healthy: true, consecutiveFailures: 0, status: 200 });
    expect(sick.healthHits).toBe(3);

    // While unhealthy it gets no traffic.
    const answers = await sendMany(edge, 40, 4, (i) => ({
      geo: PARIS,
      now: T0 + 2 * MINUTE + 10 + i,
      seed: i,
    }));
    expect(sharesOf(answers)).toEqual({ "hc-steady": 1 });

    sick.behaviour.healthStatus = 200;
    await edge.cron(T0 + 3 * MINUTE);
    expect(originStatus(await statusAt(edge, T0 + 3 * MINUTE + 1), "hc-sick").healthy).toBe(false);
    await edge.cron(T0 + 4 * MINUTE);
    expect(originStatus(await statusAt(edge, T0 + 4 * MINUTE + 1), "hc-sick").healthy).toBe(true);
  });

  it("does not flip a flapping origin on every check", async () => {
    const [flapping] = await origins("hc-flap");
    await putTable(
      originTable(++version, [{ name: "eu", location: FRANKFURT, origins: [{ origin: flapping }] }], {
        resilience: { healthCheck: { rise: 2, fall: 2 } },
      }),
    );
    flapping.behaviour.healthSequence = [200, 503, 200, 503, 200, 503, 200, 503, 200, 503];
    const seen: boolean[] = [];
    for (let run = 0; run < 10; run++) {
      await edge.cron(T0 + run * MINUTE);
      seen.push(originStatus(await statusAt(edge, T0 + run * MINUTE + 1), "hc-flap").healthy);
    }
    expect(seen).toEqual(Array.from({ length: 10 }, () => true));
    expect(
      (await statusAt(edge, T0 + 10 * MINUTE)).events.filter(
        (e) => e.kind === "health-changed" && e.origin === "hc-flap",
      ),
    ).toEqual([]);
  });

  it("sends a pool's traffic to its fallback once checks find all its origins down", async () => {
    const [eu1, eu2, us1] = await origins("hc-eu-1", "hc-eu-2", "hc-us-1");
    await putTable(
      originTable(
        ++version,
        [
          { name: "eu", location: FRANKFURT, fallback: "us", origins: [{ origin: eu1 }, { origin: eu2 }] },
          { name: "us", location: ASHBURN, origins: [{ origin: us1 }] },
        ],
        { resilience: { healthCheck: { fall: 1 } } },
      ),
    );
    eu1.behaviour.healthStatus = 500;
    eu2.behaviour.healthStatus = 500;
    const check = await edge.admin("POST", "/__lb/check", undefined, T0);
    expect(check.status).toBe(200);
    expect((check.body as HealthReport).origins["hc-eu-1"]?.healthy).toBe(false);
    const answers = await sendMany(edge, 30, 3, (i) => ({ geo: PARIS, now: T0 + 10 + i, seed: i }));
    expect(sharesOf(answers)).toEqual({ "hc-us-1": 1 });
    expect(eu1.hits + eu2.hits).toBe(0);
  });

  it("ignores health when too few origins pass their checks (panic), rather than serving nothing", async () => {
    const [a, b, c, d] = await origins("panic-a", "panic-b", "panic-c", "panic-d");
    await putTable(
      originTable(
        ++version,
        [{ name: "eu", location: FRANKFURT, origins: [a, b, c, d].map((origin) => ({ origin })) }],
        { resilience: { healthCheck: { fall: 1 }, panicThreshold: 0.5 } },
      ),
    );
    for (const origin of [a, b, c]) origin.behaviour.healthStatus = 503;
    await edge.cron(T0);
    const answers = await sendMany(edge, 40, 4, (i) => ({ geo: PARIS, now: T0 + 10 + i, seed: i }));
    expect(answers.every((x) => x.status === 200)).toBe(true);
    expect(Object.keys(sharesOf(answers)).length).toBeGreaterThan(1);
    const status = await statusAt(edge, T0 + 100);
    expect(status.panic).toBe(true);
    expect(status.events).toContainEqual(
      expect.objectContaining({
        kind: "panic",
        detail: expect.stringContaining("25 % of origins healthy") as string,
      }),
    );
    expect(await metricValue(edge, "lb_panic", T0 + 100)).toBe(1);
  });

  it("stops trusting a report the checks no longer refresh", async () => {
    const [stale] = await origins("hc-stale");
    await putTable(
      originTable(++version, [{ name: "eu", location: FRANKFURT, origins: [{ origin: stale }] }], {
        resilience: { healthCheck: { fall: 1, staleAfterMs: 300_000 }, panicThreshold: 0 },
      }),
    );
    stale.behaviour.healthStatus = 503;
    await edge.cron(T0);
    expect((await edge.text({ geo: PARIS, now: T0 + 1_000 })).status).toBe(503);
    expect((await edge.text({ geo: PARIS, now: T0 + 301_000 })).status).toBe(200);
  });
});
