import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ScheduledEvent } from "../../contracts/index.ts";
import { EVENT_RETENTION_DAYS, MAX_EVENTS, manualClock, redisKeys } from "../../contracts/index.ts";
import { apiRouter } from "../../predictor/api/routes.ts";
import { createPredictorServer } from "../../predictor/api/server.ts";
import { DocumentStore } from "../../predictor/store/documents.ts";
import { SeriesStore } from "../../predictor/store/series-store.ts";
import type { TestRedis } from "../support/redis.ts";
import { openTestRedis } from "../support/redis.ts";

const TOKEN = "s3cret-admin-token-0123";
const NOW = Date.UTC(2026, 10, 27, 12);
const iso = (ms: number) => new Date(ms).toISOString();
const HOUR = 3600_000;
let test: TestRedis;
let server: Server;
let base: string;
let keys: ReturnType<typeof redisKeys>;
let clock: ReturnType<typeof manualClock>;

beforeEach(async () => {
  test = await openTestRedis("events");
  keys = redisKeys(test.prefix);
  const documents = new DocumentStore(test.redis, keys);
  clock = manualClock(NOW);
  const router = apiRouter({
    series: new SeriesStore(test.redis, keys, 60, 86_400),
    documents,
    adminToken: TOKEN,
    now: clock,
    maxBodyBytes: 4096,
  });
  server = createPredictorServer({
    api: async (request) => (await router.fetch(request)) as Response,
    maxBodyBytes: 4096,
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
  await test.cleanup();
});

const sale: ScheduledEvent = {
  id: "black-friday",
  pool: "eu",
  start: iso(NOW + 2 * HOUR),
  end: iso(NOW + 6 * HOUR),
  expectedRps: 3000,
  note: "Black Friday sale",
};
const put = (id: string, body: unknown, token: string | null = TOKEN) =>
  fetch(`${base}/api/events/${id}`, {
    method: "PUT",
    body: typeof body === "string" ? body : JSON.stringify(body),
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
const list = async (query = "") =>
  (await (await fetch(`${base}/api/events${query}`)).json()) as { events: ScheduledEvent[] };

describe("scheduled events API", () => {
  it("creates (201), replaces (200), lists by start and by pool, and deletes an event", async () => {
    const created = await put("black-friday", sale);
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ event: sale, replaced: false });
    const earlier = {
      id: "launch",
      pool: "us",
      start: iso(NOW + HOUR),
      end: iso(NOW + 2 * HOUR),
      expectedRps: 500,
    };
    expect((await put("launch", earlier)).status).toBe(201);
    const bigger = { ...sale, expectedRps: 4000 };
    const replaced = await put("black-friday", bigger);
    expect(replaced.status).toBe(200);
    expect(((await replaced.json()) as { replaced: boolean }).replaced).toBe(true);
    expect((await list()).events).toEqual([earlier, bigger]);
    expect((await list("?pool=eu")).events).toEqual([bigger]);
    const deleted = await fetch(`${base}/api/events/launch`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(await deleted.json()).toEqual({ deleted: "launch", event: earlier });
    expect((await list()).events).toEqual([bigger]);
    const again = await fetch(`${base}/api/events/launch`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(again.status).toBe(404);
    expect(await again.json()).toEqual({ error: "no scheduled event launch" });
  });

  it("takes the id from the URL and refuses a body that names another", async () => {
    const { id: _id, ...withoutId } = sale;
    expect((await put("black-friday", withoutId)).status).toBe(201);
    const other = await put("cyber-monday", sale);
    expect(other.status).toBe(400);
    expect(((await other.json()) as { issues: unknown[] }).issues).toEqual([
      { path: "id", message: 'must match the id in the URL ("cyber-monday")' },
    ]);
  });

  it("answers 400 with every problem, shape and times together, and keeps the stored event", async () => {
    await put("black-friday", sale);
    const response = await put("black-friday", {
      ...sale,
      pool: "EU",
      expectedRps: -5,
      end: iso(NOW + HOUR),
      colour: "red",
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string; issues: { path: string; message: string }[] };
    expect(body.error).toBe("invalid scheduled event");
    expect(body.issues).toEqual(
      expect.arrayContaining([
        { path: "pool", message: expect.stringMatching(/lower-case/) as string },
        { path: "expectedRps", message: "must be at least 0.001" },
        {
          path: "colour",
          message: "is not a known field (expected id, pool, start, end, expectedRps, note)",
        },
        { path: "end", message: `must be after start (${sale.start})` },
      ]),
    );
    expect(body.issues).toHaveLength(4);
    expect((await put("black-friday", { ...sale, start: "tomorrow at noon" })).status).toBe(400);
    expect((await put("black-friday", { ...sale, end: iso(NOW + 40 * 24 * HOUR) })).status).toBe(400);
    expect((await put("black-friday", "{not json")).status).toBe(400);
    expect((await list()).events).toEqual([sale]);
  });

  it("refuses an event that has already ended, naming the time now", async () => {
    const response = await put("past", {
      ...sale,
      id: "past",
      start: iso(NOW - 3 * HOUR),
      end: iso(NOW - HOUR),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { issues: unknown[] }).issues).toEqual([
      { path: "end", message: `must be in the future (it is ${iso(NOW)} now)` },
    ]);
    expect((await list()).events).toEqual([]);
  });

  it("needs the admin token to write or delete", async () => {
    expect((await put("black-friday", sale, null)).status).toBe(401);
    expect((await put("black-friday", sale, "wrong")).status).toBe(401);
    await put("black-friday", sale);
    expect((await fetch(`${base}/api/events/black-friday`, { method: "DELETE" })).status).toBe(401);
    expect((await list()).events).toEqual([sale]);
  });

  it("prunes events that ended more than the retention ago on the next write, and caps how many are kept", async () => {
    await put("black-friday", sale);
    clock.set(Date.parse(sale.end) + EVENT_RETENTION_DAYS * 24 * HOUR + 1);
    const next = { ...sale, id: "next", start: iso(clock() + HOUR), end: iso(clock() + 2 * HOUR) };
    await put("next", next);
    expect((await list()).events).toEqual([next]);

    const filler = Object.fromEntries(
      Array.from({ length: MAX_EVENTS - 1 }, (_, i) => [`e${i}`, JSON.stringify({ ...next, id: `e${i}` })]),
    );
    await test.redis.hset(keys.events, filler);
    const over = await put("one-too-many", { ...next, id: "one-too-many" });
    expect(over.status).toBe(409);
    expect(((await over.json()) as { issues: unknown[] }).issues).toEqual([
      { path: "", message: `at most ${MAX_EVENTS} events may be stored; delete some first` },
    ]);
    expect(await test.redis.hexists(keys.events, "one-too-many")).toBe(0);
    expect((await put("next", { ...next, expectedRps: 10 })).status).toBe(200);
  });

  it("checks the list's query and serves the events in the metrics", async () => {
    const bad = await fetch(`${base}/api/events?pool=EU&from=now`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { issues: { path: string }[] }).issues.map((i) => i.path).sort()).toEqual([
      "from",
      "pool",
    ]);
    await put("black-friday", sale);
    await put("running", { ...sale, id: "running", start: iso(NOW - HOUR), end: iso(NOW + HOUR) });
    await test.redis.hset(keys.events, "broken", "{}");
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toContain('predictor_scheduled_events{pool="eu",state="upcoming"} 1');
    expect(text).toContain('predictor_scheduled_events{pool="eu",state="active"} 1');
    expect(text).toContain('predictor_invalid_documents{kind="event"} 1');
    expect((await list()).events.map((e) => e.id)).toEqual(["running", "black-friday"]);
  });
});
