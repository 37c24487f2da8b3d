import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WeightsOverlay } from "../../contracts/weights-overlay.ts";
import { EdgeWorker } from "./support/edge-worker.ts";
import { ASHBURN, FRANKFURT, NEW_YORK, PARIS, SINGAPORE, TOKYO, originTable } from "./support/tables.ts";
import { TestOrigin } from "./support/test-origin.ts";
import type { Answer } from "./support/traffic.ts";
import { sendMany, sharesOf } from "./support/traffic.ts";

// The Worker in workerd, routing real requests to real origins on loopback. Each test writes
// its own table version; origin ids are unique per test so per-origin state never leaks.

let edge: EdgeWorker;
const origins = new Map<string, TestOrigin>();
let version = 0;
const T0 = Date.UTC(2026, 0, 1);

async function origin(name: string, delayMs = 0): Promise<TestOrigin> {
  const started = await TestOrigin.start(name, { delayMs });
  origins.set(name, started);
  return started;
}

async function putTable(table: ReturnType<typeof originTable>, now = T0): Promise<void> {
  const put = await edge.admin("PUT", "/__lb/table", table, now);
  expect(put.status).toBe(200);
}

beforeAll(async () => {
  edge = await EdgeWorker.start();
});
afterAll(async () => {
  await Promise.all([edge.stop(), ...[...origins.values()].map((o) => o.stop())]);
});

describe("geo steering", () => {
  let eu: TestOrigin, asia: TestOrigin, us: TestOrigin;
  beforeAll(async () => {
    [eu, asia, us] = await Promise.all([origin("geo-eu"), origin("geo-asia"), origin("geo-us")]);
    await putTable(
      originTable(++version, [
        { name: "us-east", location: ASHBURN, countries: ["US"], origins: [{ origin: us }] },
        { name: "eu-west", location: FRANKFURT, countries: ["DE", "FR"], origins: [{ origin: eu }] },
        { name: "ap-southeast", location: SINGAPORE, countries: ["SG"], origins: [{ origin: asia }] },
      ]),
    );
  });

  it("serves a client in Europe from the European pool and one in Asia from the Asian pool", async () => {
    for (let i = 0; i < 20; i++) {
      expect((await edge.text({ geo: PARIS, now: T0 + i })).headers.get("x-lb-origin")).toBe("geo-eu");
      expect((await edge.text({ geo: TOKYO, now: T0 + i })).headers.get("x-lb-origin")).toBe("geo-asia");
      expect((await edge.text({ geo: NEW_YORK, now: T0 + i })).headers.get("x-lb-origin")).toBe("geo-us");
    }
  });

  it("locates clients from request.cf as Cloudflare's edge reports it", async () => {
    const berlin = await edge.text({ cf: { latitude: "52.52", longitude: "13.40", country: "DE" }, now: T0 });
    const osaka = await edge.text({ cf: { latitude: "34.69", longitude: "135.50", country: "JP" }, now: T0 });
    expect([berlin.headers.get("x-lb-origin"), osaka.headers.get("x-lb-origin")]).toEqual([
      "geo-eu",
      "geo-asia",
    ]);
  });

  it("uses the table's first pool for a client with no location", async () => {
    const unknown = await edge.text({ cf: {}, now: T0 });
    expect(unknown.headers.get("x-lb-origin")).toBe("geo-us");
  });
});

describe("balancing inside a pool", () => {
  it("holds the operator's weights: over 2,000 seeded requests each share is within 4 standard errors", async () => {
    // The strict property (10,000 seeded picks within 3 points) is proven on the pure balancer
    // (edge/balancing/strategies.test.ts); here it is the whole Worker's routing, held to what
    // 2,000 picks can show. The requests are made independent of machine load: each pool's
    // client sends one request at a time (nothing in flight at a pick), 100 s apart on the
    // injected clock, ten times the latency estimate's decay time, so every origin's estimate
    // has decayed to its pool's typical latency and costs tie. The weighted draw, seeded per
    // request, then decides alone, as the operator's weights say it must.
    const [light, medium, heavy] = await Promise.all([
      origin("w-light"),
      origin("w-medium"),
      origin("w-heavy"),
    ]);
    // Sixteen identical pools, one client each, moving through time in step: the isolate
    // re-reads KV (stale after every 100 s step) once per step for all sixteen.
    const countries = [
      "FR",
      "DE",
      "IT",
      "ES",
      "NL",
      "BE",
      "AT",
      "PL",
      "PT",
      "IE",
      "DK",
      "SE",
      "FI",
      "CZ",
      "HU",
      "GR",
    ];
    await putTable(
      originTable(
        ++version,
        countries.map((country) => ({
          name: `eu-${country.toLowerCase()}`,
          location: FRANKFURT,
          countries: [country],
          origins: [
            { origin: light, id: `light-${country.toLowerCase()}`, weight: 10 },
            { origin: medium, id: `medium-${country.toLowerCase()}`, weight: 30 },
            { origin: heavy, id: `heavy-${country.toLowerCase()}`, weight: 60 },
          ],
        })),
      ),
    );
    const answers: Answer[] = [];
    for (let step = 0; step < 125; step++) {
      answers.push(
        ...(await sendMany(edge, countries.length, countries.length, (k) => ({
          geo: `48.86,2.35,${countries[k] ?? ""}`,
          now: T0 + 100_000 * step,
          seed: 1_000 * k + step,
        }))),
      );
    }
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const shares = sharesOf(answers.map((a) => ({ ...a, origin: a.origin?.split("-")[0] ?? null })));
    const n = answers.length;
    // 4 standard errors of a share p over n independent picks: a correct balancer stays inside
    // with probability 1 - 6e-5 for each origin (about 1.1 to 1.4 points at n = 2,000, x 4).
    const off = Object.entries({ light: 0.1, medium: 0.3, heavy: 0.6 }).filter(
      ([id, p]) => Math.abs((shares[id] ?? 0) - p) > 4 * Math.sqrt((p * (1 - p)) / n),
    );
    expect(off, `shares ${JSON.stringify(shares)}`).toEqual([]);
  });

  it("never sends a request to an origin of weight 0 or a disabled one", async () => {
    const [kept, drained, disabled] = await Promise.all([
      origin("z-kept"),
      origin("z-drained"),
      origin("z-disabled"),
    ]);
    await putTable(
      originTable(++version, [
        {
          name: "eu",
          location: FRANKFURT,
          origins: [{ origin: kept }, { origin: drained, weight: 0 }, { origin: disabled, enabled: false }],
        },
      ]),
    );
    const answers = await sendMany(edge, 100, 4, (i) => ({ geo: PARIS, now: T0 + i, seed: i }));
    expect(sharesOf(answers)).toEqual({ "z-kept": 1 });
    expect(drained.hits + disabled.hits).toBe(0);
  });

  it("sends under 10 % of a pool's requests to an origin ten times slower once the EWMA has seen it", async () => {
    // 20 ms against 200 ms: a scheduling hiccup of a loaded machine (tens of ms) cannot make a
    // fast origin look slower than the slow one, so only the tenfold difference decides.
    const [a, b, slow] = await Promise.all([
      origin("s-fast-a", 20),
      origin("s-fast-b", 20),
      origin("s-slow", 200),
    ]);
    await putTable(
      originTable(++version, [
        { name: "eu", location: FRANKFURT, origins: [{ origin: a }, { origin: b }, { origin: slow }] },
      ]),
    );
    await sendMany(edge, 12, 3, (i) => ({ geo: PARIS, now: T0 + 20 * i, seed: i }));
    expect(slow.hits).toBeGreaterThan(0);
    const before = slow.hits;
    const answers = await sendMany(edge, 240, 4, (i) => ({
      geo: PARIS,
      now: T0 + 1_000 + 20 * i,
      seed: 1_000 + i,
    }));
    expect(answers.every((x) => x.status === 200)).toBe(true);
    expect((slow.hits - before) / 240).toBeLessThan(0.1);
  });
});

describe("weights overlay", () => {
  let a: TestOrigin, b: TestOrigin, fallback: TestOrigin;
  let overlayVersion = 0;
  beforeAll(async () => {
    [a, b, fallback] = await Promise.all([origin("o-a"), origin("o-b"), origin("o-fallback")]);
    await putTable(
      originTable(++version, [
        { name: "eu", location: FRANKFURT, fallback: "us", origins: [{ origin: a }, { origin: b }] },
        { name: "us", location: ASHBURN, origins: [{ origin: fallback }] },
      ]),
    );
  });

  async function putOverlay(overlay: Omit<WeightsOverlay, "version" | "updatedAt">): Promise<void> {
    const put = await edge.admin(
      "PUT",
      "/__lb/weights",
      { version: ++overlayVersion, updatedAt: new Date(T0).toISOString(), ...overlay },
      T0,
    );
    expect(put.status).toBe(200);
  }

  it("multiplies weights by the overlay's factors and spills its share to the fallback pool", async () => {
    await putOverlay({
      expiresAt: new Date(T0 + 3_600_000).toISOString(),
      factors: { "o-a": 0 },
      spill: { eu: 0.25 },
    });
    const shares = sharesOf(
      await sendMany(edge, 400, 4, (i) => ({ geo: PARIS, now: T0 + 60_000 + i, seed: i })),
    );
    expect(shares["o-a"]).toBeUndefined();
    expect(Math.abs((shares["o-fallback"] ?? 0) - 0.25)).toBeLessThan(0.06);
  });

  it("ignores an expired overlay: a dead scaler cannot pin traffic", async () => {
    await putOverlay({
      expiresAt: new Date(T0 + 1_000).toISOString(),
      factors: { "o-a": 0, "o-b": 0 },
      spill: { eu: 1 },
    });
    const during = await edge.text({ geo: PARIS, now: T0 + 500 });
    expect(during.headers.get("x-lb-origin")).toBe("o-fallback");
    const after = sharesOf(
      await sendMany(edge, 60, 4, (i) => ({ geo: PARIS, now: T0 + 2_000 + i, seed: i })),
    );
    expect(after["o-fallback"]).toBeUndefined();
    expect((after["o-a"] ?? 0) + (after["o-b"] ?? 0)).toBeCloseTo(1, 6);
  });
});

describe("session affinity", () => {
  it("keeps a client on its origin and moves only the keys of a removed origin", async () => {
    const pool = await Promise.all(["aff-1", "aff-2", "aff-3", "aff-4"].map((name) => origin(name)));
    const table = (members: TestOrigin[]) =>
      originTable(
        ++version,
        [{ name: "eu", location: FRANKFURT, origins: members.map((o) => ({ origin: o })) }],
        { affinity: { by: "header", name: "x-user" } },
      );
    await putTable(table(pool));
    const users = Array.from({ length: 120 }, (_, i) => `user-${i}`);
    const where = async (now: number) =>
      (
        await sendMany(edge, users.length, 4, (i) => ({
          geo: PARIS,
          now,
          seed: i,
          headers: { "x-user": users[i] ?? "" },
        }))
      ).map((a) => a.origin);
    const first = await where(T0 + 10);
    expect(await where(T0 + 20)).toEqual(first);
    expect(new Set(first).size).toBe(4);
    await putTable(table(pool.filter((o) => o.name !== "aff-2")), T0 + 30);
    const after = await where(T0 + 40);
    users.forEach((_, i) => {
      if (first[i] === "aff-2") expect(after[i]).not.toBe("aff-2");
      else expect(after[i]).toBe(first[i]);
    });
  });

  it("sets a cookie on a client's first visit and keeps it on the same origin after", async () => {
    const pool = await Promise.all(["cookie-1", "cookie-2", "cookie-3"].map((name) => origin(name)));
    await putTable(
      originTable(
        ++version,
        [{ name: "eu", location: FRANKFURT, origins: pool.map((o) => ({ origin: o })) }],
        { affinity: { by: "cookie", name: "sticky", ttlSeconds: 600 } },
      ),
    );
    const first = await edge.text({ geo: PARIS, now: T0, seed: 1 });
    const cookie = first.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^sticky=[0-9a-f]{32}; Path=\/; Max-Age=600; HttpOnly; SameSite=Lax$/);
    const pair = cookie.split(";")[0] ?? "";
    for (let i = 0; i < 20; i++) {
      const next = await edge.text({ geo: PARIS, now: T0 + i, seed: 100 + i, headers: { cookie: pair } });
      expect(next.headers.get("x-lb-origin")).toBe(first.headers.get("x-lb-origin"));
      expect(next.headers.get("set-cookie")).toBeNull();
    }
  });
});
