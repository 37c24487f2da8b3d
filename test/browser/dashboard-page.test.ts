// The dashboard in Debian's Chromium against the predictor's real HTTP side (API, dashboard,
// edge proxy) over seeded Redis data and a stand-in Worker: hostile names and reasons render as
// text under a strict CSP, the SLO editor shows the server's problems next to the fields, and
// the forecast review shows what advise mode would have done.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Decision, Slo } from "../../contracts/index.ts";
import { redisKeys } from "../../contracts/index.ts";
import type { DashboardAssets } from "../../predictor/dashboard/dashboard-assets.ts";
import { buildDashboardAssets } from "../../predictor/dashboard/dashboard-assets.ts";
import { DocumentStore } from "../../predictor/store/documents.ts";
import { ForecastHistory } from "../../predictor/store/forecast-history.ts";
import { SeriesStore } from "../../predictor/store/series-store.ts";
import type { TestRedis } from "../support/redis.ts";
import { openTestRedis } from "../support/redis.ts";
import type { PageTrouble } from "./support/chromium.ts";
import { launchChromium, watchPage } from "./support/chromium.ts";
import { edgeDocuments } from "./support/edge-documents.ts";
import type { FakeEdge } from "./support/fake-edge.ts";
import { startFakeEdge } from "./support/fake-edge.ts";
import { startPredictorApp } from "./support/predictor-app.ts";
import { SEED, seedDashboard } from "./support/seed-dashboard.ts";

const ADMIN = "predictor-admin-token-0123";
const EDGE_TOKEN = "worker-admin-token-0123";
const HOSTILE_ID = `<img src=x onerror="window.pwned='id'">`;
const HOSTILE_REASON = `<script>window.pwned='reason'</script><b>bold</b> & <img src=x onerror="window.pwned='img'">`;

let test: TestRedis;
let edge: FakeEdge;
let app: { url: string; close(): Promise<void> };
let browser: Browser;
let assets: DashboardAssets;
let seeded: Awaited<ReturnType<typeof seedDashboard>>;

beforeAll(async () => {
  const now = Date.now();
  test = await openTestRedis("browser");
  const hostile: Decision = {
    id: "hostile",
    at: new Date(now - 60_000).toISOString(),
    pool: "us-east",
    origin: "us-1",
    mode: "advise",
    action: "reweight",
    reason: HOSTILE_REASON,
    applied: false,
  };
  seeded = await seedDashboard(test.redis, test.prefix, now, [hostile]);
  await test.redis.hset(
    redisKeys(test.prefix).events,
    "hostile-note",
    JSON.stringify({
      id: "hostile-note",
      pool: "us-east",
      start: new Date(now + 3_600_000).toISOString(),
      end: new Date(now + 7_200_000).toISOString(),
      expectedRps: 50,
      note: HOSTILE_REASON,
    }),
  );
  const documents = edgeDocuments(now, { "eu-west": [HOSTILE_ID] });
  edge = await startFakeEdge(EDGE_TOKEN, documents.status, documents.table);
  assets = await buildDashboardAssets();
  app = await startPredictorApp({
    ...seeded,
    assets,
    adminToken: ADMIN,
    edge: { url: edge.url, token: EDGE_TOKEN },
    horizonSteps: SEED.horizonSteps,
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser.close();
  await app.close();
  await edge.close();
  await test.cleanup();
});

async function open(hash: string): Promise<{ page: Page; trouble: PageTrouble; csp: string }> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  const trouble = await watchPage(page);
  const response = await page.goto(`${app.url}/${hash}`);
  await page.locator("#status.ok").waitFor({ timeout: 20_000 });
  return { page, trouble, csp: response?.headers()["content-security-policy"] ?? "" };
}

const storedSlo = async (pool: string): Promise<Slo | undefined> =>
  ((await (await fetch(`${app.url}/api/slos`)).json()) as { slos: Slo[] }).slos.find((s) => s.pool === pool);

describe("the dashboard page", () => {
  it("shows a pool's charts with data, its origins at the edge and its models", async () => {
    const { page, trouble } = await open("#/live/pool%3Aeu-west?minutes=60");
    await page.locator("#card-pool-chart .chart[data-state=ready]").waitFor();
    await expect.poll(() => page.locator(".origin-card .chart[data-state=ready]").count()).toBe(2);
    // A series without a model yet says on its origin's card what it waits for.
    await expect
      .poll(() => page.locator(".origin-card .chip.waiting").allTextContents())
      .toEqual(["errors: waiting for 400 points, have 361", "errors: waiting for 400 points, have 361"]);
    const series = await page.evaluate(() => {
      const host = document.querySelector("#card-pool-chart .chart-canvas");
      const option = host ? window.echarts?.getInstanceByDom(host as HTMLElement)?.getOption() : undefined;
      return ((option?.series ?? []) as { name?: string; data?: unknown[] }[]).map((s) => [
        s.name,
        s.data?.length ?? 0,
      ]);
    });
    // The pool's load, its capacity and threshold, the latest forecast and the remembered ones.
    for (const name of ["actual", "capacity", "SLO threshold", "forecast", "made 60 s ahead"]) {
      expect(series.find(([n]) => n === name)?.[1], name).toBeGreaterThan(0);
    }
    await expect.poll(() => page.locator(".edge-table tbody th.mono").allTextContents()).toContain("eu-1");
    expect(await page.locator(".models-table tbody tr").count()).toBe(4);
    // No scaler runs here: the header says none was seen rather than showing nothing.
    expect(await page.locator("#scaler-status.busy").textContent()).toBe("Scaler · not seen");
    expect(await page.locator("#card-decisions .decision").count()).toBe(2);
    expect(trouble.errors.filter((e) => e.startsWith("page error"))).toEqual([]);
    await page.close();
  });

  it("renders origin ids and reasons that contain markup as text and runs none of it, under a strict CSP", async () => {
    const { page, trouble, csp } = await open("#/live/pool%3Aeu-west?minutes=60");
    expect(csp).toMatch(/default-src 'self'.*script-src 'self'.*style-src 'self'.*frame-ancestors 'none'/);
    await expect.poll(() => page.locator(".edge-table").textContent()).toContain(HOSTILE_ID);
    await page.goto(`${app.url}/#/review/pool%3Aus-east?minutes=60`);
    await page.locator("#card-advised .reason").first().waitFor();
    expect(await page.locator("#card-advised .reason").first().textContent()).toBe(HOSTILE_REASON);
    await page.goto(`${app.url}/#/live/pool%3Aus-east?minutes=60`);
    await expect
      .poll(() => page.locator("#card-decisions .reason").allTextContents())
      .toContain(HOSTILE_REASON);
    await expect
      .poll(() => page.locator("#card-events .event-note").allTextContents())
      .toEqual([HOSTILE_REASON]);
    // Nothing ran, and no element was made from the data: the only image is the logo.
    expect(await page.evaluate(() => (window as unknown as { pwned?: string }).pwned)).toBeUndefined();
    expect(await page.locator("img").count()).toBe(1);
    expect(await page.locator("main b, main script").count()).toBe(0);
    expect(await trouble.violations()).toEqual([]);
    expect(trouble.errors.filter((e) => e.startsWith("page error"))).toEqual([]);
    await page.close();
  });

  it("refuses an invalid SLO with each problem next to its field, keeps the stored one, and saves a valid one", async () => {
    const { page } = await open("#/live/pool%3Aeu-west?minutes=60");
    const before = await storedSlo("eu-west");
    await page.getByLabel("Target utilisation").fill("1.5");
    await page.getByLabel("p95 latency (ms)").fill("fast");
    await page.getByLabel("Trade-off").selectOption("spendCeiling");
    await page.getByLabel("Budget or ceiling").fill("0.5");
    await page.locator("#slo-token").fill(ADMIN);
    await page.getByRole("button", { name: "Save SLO" }).click();
    await expect
      .poll(() => page.locator("#slo-targetUtilization-error").textContent())
      .toBe("must be at most 1");
    expect(await page.locator("#slo-p95LatencyMs-error").textContent()).toBe("must be a number");
    // The server names spendCeiling; the form shows it under the trade-off's number.
    expect(await page.locator("#slo-tradeOffValue-error").textContent()).toBe("must be at least 1");
    expect(await page.getByLabel("Target utilisation").getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator(".slo-card .form-message").textContent()).toMatch(
      /Not saved: 3 problems .*unchanged/,
    );
    expect(await storedSlo("eu-west")).toEqual(before);

    await page.locator("#slo-token").fill("not-the-admin-token");
    await page.getByLabel("Target utilisation").fill("0.65");
    await page.getByLabel("p95 latency (ms)").fill("300");
    await page.getByLabel("Budget or ceiling").fill("1.5");
    await page.getByRole("button", { name: "Save SLO" }).click();
    await expect.poll(() => page.locator("#slo-token-error").textContent()).toMatch(/invalid admin token/);
    expect(await storedSlo("eu-west")).toEqual(before);

    await page.locator("#slo-token").fill(ADMIN);
    await page.getByLabel("Mode", { exact: true }).selectOption("advise");
    await page.getByRole("button", { name: "Save SLO" }).click();
    await expect.poll(() => page.locator(".slo-card .form-message").textContent()).toMatch(/^Saved at/);
    expect(await storedSlo("eu-west")).toEqual({
      ...before,
      mode: "advise",
      targetUtilization: 0.65,
      p95LatencyMs: 300,
      spendCeiling: 1.5,
    });
    // A fresh page shows the stored trade-off.
    await page.reload();
    await page.locator("#status.ok").waitFor({ timeout: 20_000 });
    await expect.poll(() => page.getByLabel("Budget or ceiling").inputValue()).toBe("1.5");
    expect(await page.getByLabel("Trade-off").inputValue()).toBe("spendCeiling");
    // The page keeps the token for this tab only, never in localStorage or a cookie.
    expect(await page.evaluate(() => [localStorage.length, document.cookie])).toEqual([0, ""]);
    await page.close();
  });

  it("schedules an event from the pool's page, shows the server's problems next to the fields, draws it on the chart and deletes it", async () => {
    const { page, trouble } = await open("#/live/pool%3Aeu-west?minutes=60");
    const card = page.locator("#card-events");
    await expect
      .poll(() => card.locator(".event-list").textContent())
      .toBe("No scheduled events for eu-west.");
    const start = new Date(Date.now() - 10 * 60_000);
    const end = new Date(Date.now() + 80 * 60_000);
    const typed = (d: Date) => d.toISOString().slice(0, 16).replace("T", " ");
    await card.getByLabel("Name").fill("launch");
    await card.getByLabel("Starts (UTC)").fill(typed(end));
    await card.getByLabel("Ends (UTC)").fill(typed(start));
    await card.getByLabel("Expected load (rps)").fill("lots");
    await card.locator("#event-token").fill(ADMIN);
    await card.getByRole("button", { name: "Schedule event" }).click();
    await expect.poll(() => page.locator("#event-expectedRps-error").textContent()).toBe("must be a number");
    expect(await page.locator("#event-end-error").textContent()).toMatch(/^must be after start/);
    expect(await card.locator(".form-message").textContent()).toMatch(
      /^Not saved: 2 problems \(shown next to the fields\); the stored events are unchanged/,
    );
    expect(
      ((await (await fetch(`${app.url}/api/events?pool=eu-west`)).json()) as { events: unknown[] }).events,
    ).toEqual([]);

    await card.getByLabel("Starts (UTC)").fill(typed(start));
    await card.getByLabel("Ends (UTC)").fill(typed(end));
    await card.getByLabel("Expected load (rps)").fill("2500");
    await card.getByLabel("Note").fill("product launch");
    await card.getByRole("button", { name: "Schedule event" }).click();
    await expect.poll(() => card.locator(".form-message").textContent()).toMatch(/^Scheduled launch at/);
    await expect
      .poll(() => card.locator(".event .event-when").textContent())
      .toBe(`${typed(start)} to ${typed(end)} UTC · 2,500 rps`);
    expect(await card.locator(".event .pill").textContent()).toBe("active");
    // The saved token serves the SLO form too.
    expect(await page.locator("#slo-token").getAttribute("placeholder")).toBe("token kept for this tab");
    const drawn = await page.evaluate(() => {
      const host = document.querySelector("#card-pool-chart .chart-canvas");
      const option = host ? window.echarts?.getInstanceByDom(host as HTMLElement)?.getOption() : undefined;
      const series = (option?.series ?? []) as {
        name?: string;
        data?: unknown[];
        markArea?: { data?: unknown[] };
      }[];
      return {
        line: series.find((s) => s.name === "scheduled events")?.data?.length ?? 0,
        areas: series.filter((s) => (s.markArea?.data?.length ?? 0) > 0).length,
      };
    });
    expect(drawn.line).toBeGreaterThan(0);
    expect(drawn.areas).toBeGreaterThan(0);

    // Edit fills the form with the event; saving under its name replaces it.
    await card.getByRole("button", { name: "Edit event launch" }).click();
    expect(await card.getByLabel("Expected load (rps)").inputValue()).toBe("2500");
    expect(await card.getByLabel("Ends (UTC)").inputValue()).toBe(typed(end));
    await card.getByLabel("Expected load (rps)").fill("3000");
    await card.getByRole("button", { name: "Schedule event" }).click();
    await expect.poll(() => card.locator(".form-message").textContent()).toMatch(/^Replaced launch at/);
    await expect
      .poll(() => card.locator(".event .event-when").textContent())
      .toBe(`${typed(start)} to ${typed(end)} UTC · 3,000 rps`);

    await card.getByRole("button", { name: "Delete event launch" }).click();
    await expect
      .poll(() => card.locator(".event-list").textContent())
      .toBe("No scheduled events for eu-west.");
    expect(
      ((await (await fetch(`${app.url}/api/events?pool=eu-west`)).json()) as { events: unknown[] }).events,
    ).toEqual([]);
    expect(trouble.errors.filter((e) => e.startsWith("page error"))).toEqual([]);
    await page.close();
  });

  it("says so when there is nothing yet, and when the edge refuses the predictor's token", async () => {
    const empty = await openTestRedis("browser-empty");
    const keys = redisKeys(empty.prefix);
    const documents = new DocumentStore(empty.redis, keys);
    const bare = await startPredictorApp({
      series: new SeriesStore(empty.redis, keys, SEED.stepSeconds, 86_400),
      documents,
      history: new ForecastHistory(empty.redis, empty.prefix, SEED.horizonSteps, 86_400),
      assets,
      adminToken: ADMIN,
      edge: null,
      horizonSteps: SEED.horizonSteps,
    });
    const page = await browser.newPage();
    try {
      await page.goto(`${bare.url}/`);
      await expect
        .poll(() => page.locator(".empty-state h2").textContent(), { timeout: 20_000 })
        .toBe("Nothing recorded yet");
      await documents.writeSlo({
        pool: "eu-west",
        mode: "off",
        targetUtilization: 0.7,
        leadSeconds: 60,
        scaleInCooldownSeconds: 60,
      });
      await page.reload();
      await expect
        .poll(() => page.locator("#card-pool-chart .chart-overlay").textContent(), { timeout: 20_000 })
        .toBe("This pool has no origins in the edge table.");
      expect(await page.locator("#card-edge").textContent()).toMatch(/No edge is configured/);
    } finally {
      await page.close();
      await bare.close();
      await empty.cleanup();
    }
    const refused = await startPredictorApp({
      ...seeded,
      assets,
      adminToken: ADMIN,
      edge: { url: edge.url, token: "not-the-worker-token" },
      horizonSteps: SEED.horizonSteps,
    });
    const second = await browser.newPage();
    try {
      await second.goto(`${refused.url}/`);
      await expect
        .poll(() => second.locator("#problems").textContent(), { timeout: 20_000 })
        .toMatch(/refused the predictor's token \(401\)/);
      expect(await second.locator("#card-edge .error").textContent()).toMatch(/Cannot read the edge/);
    } finally {
      await second.close();
      await refused.close();
    }
  });

  it("reviews a day: what advise mode would have done and how the forecasts fared", async () => {
    const { page } = await open("#/review/pool%3Aus-east");
    await page.locator("#card-review-chart .chart[data-state=ready]").waitFor();
    expect(await page.locator(".range-option.active").textContent()).toBe("24 h");
    expect(await page.locator("#card-advised .decision").count()).toBe(2);
    expect(await page.locator("#card-advised .outcome").allTextContents()).toEqual(["advised", "advised"]);
    const rows = await page.locator(".accuracy-table tbody tr").allTextContents();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/^us-1 · load361/);
    await page.close();
  });
});
