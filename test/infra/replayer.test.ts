import { createServer } from "node:http";
import type { Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { seededRng } from "../../contracts/index.ts";
import { geoHeader, WORLD_CITIES } from "../../infra/replayer/cities.ts";
import { createClientMix } from "../../infra/replayer/client-mix.ts";
import { createHttpSender, parseTarget } from "../../infra/replayer/http-sender.ts";
import { RatePlan } from "../../infra/replayer/rate-plan.ts";
import { startReplay } from "../../infra/replayer/replayer.ts";
import type { SendResult } from "../../infra/replayer/replay-stats.ts";
import { virtualScheduler } from "../../infra/simulator/scheduler.ts";
import type { TestOrigin } from "./test-origin.ts";
import { startTestOrigin } from "./test-origin.ts";

const T0 = Date.UTC(2026, 0, 5);
// A flat trace of ten one-minute points: at speed 60 and 100 rps, ten real seconds at 100 rps.
const flat = Array.from({ length: 11 }, (_, i) => ({ t: T0 + i * 60_000, value: 5 }));

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function countingServer(): Promise<{ url: string; geo: Map<string, number>; paths: Set<string> }> {
  const geo = new Map<string, number>();
  const paths = new Set<string>();
  const server: Server = createServer((request, response) => {
    const header = String(request.headers["x-lb-geo"]);
    geo.set(header, (geo.get(header) ?? 0) + 1);
    paths.add(request.url ?? "");
    response.end("ok");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  );
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`,
    geo,
    paths,
  };
}

describe("traffic replayer", () => {
  it("sends the trace's number of requests to the target, spread over the cities by weight", async () => {
    const target = await countingServer();
    const sender = createHttpSender({ target: `${target.url}/app`, connections: 16, timeoutMs: 5000 });
    cleanups.push(() => sender.close());
    const scheduler = virtualScheduler(0);
    const plan = new RatePlan(flat, { speed: 60, peakRps: 100, startAt: T0, loop: false });
    const replay = startReplay({
      plan,
      mix: createClientMix(WORLD_CITIES, { followSun: false }),
      send: sender,
      scheduler,
      rng: seededRng(21),
      concurrency: 10_000,
      path: "/items",
    });
    for (let t = 0; t <= plan.durationMs; t += 5) scheduler.advance(5);
    const summary = await replay.done;

    // Poisson with mean 100 rps x 10 s = 1000 (standard deviation about 32).
    expect(summary.sent).toBeGreaterThan(870);
    expect(summary.sent).toBeLessThan(1130);
    expect(summary.ok).toBe(summary.sent);
    expect(summary.failed).toBe(0);
    const received = [...target.geo.values()].reduce((a, b) => a + b, 0);
    expect(received).toBe(summary.sent);
    expect([...target.paths]).toEqual(["/app/items"]);

    const valid = new Set(WORLD_CITIES.map(geoHeader));
    expect([...target.geo.keys()].every((header) => valid.has(header))).toBe(true);
    const totalWeight = WORLD_CITIES.reduce((sum, city) => sum + city.weight, 0);
    for (const country of ["US", "DE", "BR", "JP", "IN"]) {
      const expected =
        WORLD_CITIES.filter((city) => city.country === country).reduce((sum, city) => sum + city.weight, 0) /
        totalWeight;
      const seen =
        [...target.geo.entries()]
          .filter(([header]) => header.endsWith(`,${country}`))
          .reduce((sum, [, count]) => sum + count, 0) / received;
      expect(Math.abs(seen - expected)).toBeLessThan(0.04);
    }
  });

  it("repeats the same requests for the same seed", async () => {
    const run = async (): Promise<string[]> => {
      const headers: string[] = [];
      const scheduler = virtualScheduler(0);
      const plan = new RatePlan(flat, { speed: 600, peakRps: 50, startAt: T0, loop: false });
      const replay = startReplay({
        plan,
        mix: createClientMix(WORLD_CITIES, { followSun: true }),
        send: (request) => {
          headers.push(request.headers["x-lb-geo"] ?? "");
          return Promise.resolve({ ok: true, status: 200, latencyMs: 1 });
        },
        scheduler,
        rng: seededRng(4),
        concurrency: 100,
        tickMs: 7,
      });
      scheduler.advance(plan.durationMs + 10);
      await replay.done;
      return headers;
    };
    const first = await run();
    expect(first.length).toBeGreaterThan(20);
    expect(await run()).toEqual(first);
  });

  it("stays open-loop: arrivals past the concurrency cap are dropped and counted, not queued", async () => {
    const scheduler = virtualScheduler(0);
    const plan = new RatePlan(flat, { speed: 60, peakRps: 100, startAt: T0, durationMs: 3000, loop: false });
    const pending: ((result: SendResult) => void)[] = [];
    const replay = startReplay({
      plan,
      mix: createClientMix(WORLD_CITIES, { followSun: false }),
      send: () => new Promise((resolve) => pending.push(resolve)),
      scheduler,
      rng: seededRng(5),
      concurrency: 10,
    });
    scheduler.advance(3000);
    expect(replay.stats.sent).toBe(10);
    expect(replay.stats.failures.capped).toBeGreaterThan(200);
    for (const resolve of pending) resolve({ ok: true, status: 200, latencyMs: 3000 });
    const summary = await replay.done;
    expect(summary.ok).toBe(10);
    expect(summary.latency.p50).toBeCloseTo(3000, -2);
  });
});

describe("client mix", () => {
  it("follows the sun: the Americas' share swells in their evening and shrinks in their night", () => {
    const americasShare = (mix: ReturnType<typeof createClientMix>, t: number): number =>
      mix
        .shares(t)
        .filter((s) => s.city.lon < -30)
        .reduce((sum, s) => sum + s.share, 0);
    const sun = createClientMix(WORLD_CITIES, { followSun: true });
    const fixed = createClientMix(WORLD_CITIES, { followSun: false });
    const americanNight = Date.UTC(2026, 0, 7, 8);
    const americanEvening = Date.UTC(2026, 0, 8, 1);
    const baseline = americasShare(fixed, americanNight);
    expect(americasShare(fixed, americanEvening)).toBe(baseline);
    expect(americasShare(sun, americanEvening)).toBeGreaterThan(baseline + 0.15);
    expect(americasShare(sun, americanNight)).toBeLessThan(baseline - 0.15);
  });
});

describe("HTTP sender", () => {
  it("classifies failures: 5xx answers, refused connections and timeouts", async () => {
    const origin: TestOrigin = await startTestOrigin();
    cleanups.push(() => origin.stop());
    const sender = createHttpSender({ target: origin.url, connections: 4, timeoutMs: 100 });
    cleanups.push(() => sender.close());

    origin.origin.setFault({ mode: "error", status: 502 });
    expect(await sender({ path: "/", headers: {} })).toMatchObject({
      ok: false,
      kind: "http-5xx",
      status: 502,
    });
    origin.origin.setFault({ mode: "hang" });
    expect(await sender({ path: "/", headers: {} })).toMatchObject({ ok: false, kind: "timeout" });
    origin.origin.setFault({ mode: "refuse", seconds: 60 });
    const refused = createHttpSender({ target: origin.url, connections: 1, timeoutMs: 1000 });
    cleanups.push(() => refused.close());
    expect(await refused({ path: "/", headers: {} })).toMatchObject({ ok: false, kind: "connect" });
  });

  it("only targets loopback", () => {
    expect(() => parseTarget("http://example.com")).toThrow(/only sends to loopback/);
    expect(() => parseTarget("ftp://127.0.0.1")).toThrow(/http or https/);
    expect(parseTarget("http://[::1]:8787").port).toBe("8787");
  });
});
