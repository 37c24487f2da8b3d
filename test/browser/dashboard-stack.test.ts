// The dashboard of the real running stack (Redis, simulated origins, the Worker under wrangler
// dev, the predictor, the scaler, demo traffic) in Debian's Chromium: the charts show data, an
// invalid SLO is refused next to its field, a valid one is saved, and docs/dashboard.png
// (docs/dashboard.png) is taken.
import { randomBytes } from "node:crypto";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Forecast, Slo } from "../../contracts/index.ts";
import type { RunningStack } from "../../infra/stack/start-stack.ts";
import { startStack } from "../../infra/stack/start-stack.ts";
import { DEFAULT_TRACE_START } from "../../infra/traces/trace-options.ts";
import { launchChromium, watchPage } from "./support/chromium.ts";

const SCREENSHOT = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "docs",
  "dashboard.png",
);
const POOL = "eu-west";

let stack: RunningStack;
let browser: Browser;
let page: Page;

const api = async <T>(route: string, init?: RequestInit): Promise<T> =>
  (await (await fetch(`${stack.urls.api}${route}`, init)).json()) as T;

/** Polls `check` until it holds, for at most `ms` (the stack is a set of real processes). */
async function until(what: string, ms: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

beforeAll(async () => {
  stack = await startStack({
    prefix: `browser-${randomBytes(4).toString("hex")}`,
    edgePort: 0,
    predictorPort: 0,
    scalerPort: 0,
    originBasePort: 0,
    // Fast models keep the first training within seconds; a low target makes the scaler act.
    models: ["holt-winters", "seasonal-naive"],
    backfillSeconds: 1_800,
    // Tuesday 07:00 UTC of the generated trace: the European morning is rising, so the scaler
    // has something to do within the first minute and the screenshot shows it.
    startAt: DEFAULT_TRACE_START + 8 * 86_400_000 + 7 * 3_600_000,
    slo: { targetUtilization: 0.3 },
    seed: 7,
  });
  const origins = stack.table.pools.find((p) => p.name === POOL)?.origins.map((o) => o.id) ?? [];
  await until(`forecasts of ${origins.join(", ")}`, 120_000, async () => {
    const { forecasts } = await api<{ forecasts: Forecast[] }>("forecasts?metric=rps");
    return origins.every((id) => forecasts.some((f) => f.origin === id));
  });
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser.close();
  await stack.stop();
  // The stack clears its keys when it starts, not when it stops: remove this run's.
  const redis = new Redis(stack.urls.redis, { maxRetriesPerRequest: 1 });
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${stack.prefix}*`, "COUNT", 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== "0");
  await redis.quit();
}, 60_000);

describe("the dashboard of a running stack", () => {
  it("shows the pool's load against its forecast, capacity and SLO threshold, and its origins at the edge", async () => {
    page = await browser.newPage({ viewport: { width: 1440, height: 1500 } });
    const trouble = await watchPage(page);
    await page.goto(`${stack.urls.dashboard}#/live/pool%3A${POOL}`);
    await page.locator("#card-pool-chart .chart[data-state=ready]").waitFor({ timeout: 30_000 });
    const lengths = await page.evaluate(() => {
      const host = document.querySelector("#card-pool-chart .chart-canvas");
      const option = host ? window.echarts?.getInstanceByDom(host as HTMLElement)?.getOption() : undefined;
      return Object.fromEntries(
        ((option?.series ?? []) as { name?: string; data?: [number, number | null][] }[]).map((s) => [
          s.name ?? "",
          (s.data ?? []).filter(([, v]) => v !== null).length,
        ]),
      );
    });
    expect(lengths.actual).toBeGreaterThan(10);
    expect(lengths.forecast).toBeGreaterThan(0);
    expect(lengths.capacity).toBeGreaterThan(0);
    expect(lengths["SLO threshold"]).toBeGreaterThan(0);
    // The real Worker's view of every origin, read through the predictor.
    const edgeIds = await page.locator(".edge-table tbody th.mono").allTextContents();
    expect(edgeIds.sort()).toEqual(stack.table.pools.flatMap((p) => p.origins.map((o) => o.id)).sort());
    expect(await page.locator(".models-table tbody tr").count()).toBeGreaterThan(0);
    // The predictor remembers its forecasts for the review (each one's point a horizon ahead).
    const origin = stack.table.pools.find((p) => p.name === POOL)?.origins[0]?.id ?? "";
    const remembered = await api<{ series: { points: unknown[] }[] }>(
      `forecast-history?origin=${origin}&metric=rps&minutes=5`,
    );
    expect(remembered.series[0]?.points.length).toBeGreaterThan(0);
    // For the screenshot (not asserted: the scaler's timing is its own), give the scaler time
    // to scale out and the new replicas time to boot, so the chart shows both; then take it
    // once the page has settled after a refresh.
    const replicas = async () =>
      (await api<{ capacity: { samples: { replicas: number }[] }[] }>(`capacity?minutes=1`)).capacity.reduce(
        (sum, c) => sum + (c.samples.at(-1)?.replicas ?? 0),
        0,
      );
    const initial = await replicas();
    await until(
      "a scale-out",
      30_000,
      async () =>
        (await api<{ decisions: unknown[] }>(`decisions?pool=${POOL}&limit=1`)).decisions.length > 0 &&
        (await page.locator("#card-decisions .action").allTextContents()).includes("scale-out"),
    ).catch(() => undefined);
    await until("booted replicas", 25_000, async () => (await replicas()) > initial).catch(() => undefined);
    // A refresh's busy state lasts milliseconds: wait for a settled page, not for the refresh.
    await page.locator("#status.ok").waitFor({ timeout: 20_000 });
    // The stack's scaler evaluates every few seconds: the header says so.
    expect(await page.locator("#scaler-status.ok").textContent()).toMatch(/^Scaler · evaluated \d+ s ago$/);
    await mkdir(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    expect(trouble.errors).toEqual([]);
    expect(await trouble.violations()).toEqual([]);
  }, 150_000);

  it("refuses an invalid SLO next to its field and saves a valid one that the stack then uses", async () => {
    const stored = async () => (await api<{ slos: Slo[] }>("slos")).slos.find((s) => s.pool === POOL);
    const before = await stored();
    await page.getByLabel("Target utilisation").fill("2");
    await page.locator("#slo-token").fill(stack.adminToken);
    await page.getByRole("button", { name: "Save SLO" }).click();
    await expect
      .poll(() => page.locator("#slo-targetUtilization-error").textContent())
      .toBe("must be at most 1");
    expect(await stored()).toEqual(before);
    await page.getByLabel("Target utilisation").fill("0.5");
    await page.getByRole("button", { name: "Save SLO" }).click();
    await expect.poll(() => page.locator(".slo-card .form-message").textContent()).toMatch(/^Saved at/);
    expect(await stored()).toEqual({ ...before, targetUtilization: 0.5 });
    // The page redraws the threshold at the new target on its next refresh.
    await expect
      .poll(() => page.locator(".stat.mode-act .stat-detail").textContent(), { timeout: 15_000 })
      .toMatch(/^target 50 %/);
  });
});
