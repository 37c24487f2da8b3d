import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { OriginTable } from "../../contracts/origin-table.ts";
import { EdgeWorker } from "./support/edge-worker.ts";
import { ASHBURN, FRANKFURT, PARIS, originTable } from "./support/tables.ts";
import { TestOrigin } from "./support/test-origin.ts";
import { sendMany } from "./support/traffic.ts";

const T0 = Date.UTC(2026, 0, 1);
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

async function putTable(table: OriginTable, now = T0): Promise<void> {
  expect((await edge.admin("PUT", "/__lb/table", table, now)).status).toBe(200);
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

describe("overload protection", () => {
  it("spills to the fallback pool when every origin is at its in-flight cap, then answers 503 with Retry-After", async () => {
    const [eu, us] = await origins("cap-eu", "cap-us");
    await putTable(
      originTable(
        ++version,
        [
          { name: "eu", location: FRANKFURT, fallback: "us", origins: [{ origin: eu }] },
          { name: "us", location: ASHBURN, origins: [{ origin: us }] },
        ],
        { resilience: { maxInFlight: 1 } },
      ),
    );
    const euHold = eu.holdNext();
    const first = edge.open({ geo: PARIS, now: T0 });
    await euHold.started;
    const usHold = us.holdNext();
    const second = edge.open({ geo: PARIS, now: T0 });
    await usHold.started;
    const third = await edge.text({ geo: PARIS, now: T0 });
    expect(third.status).toBe(503);
    expect(third.headers.get("retry-after")).toBe("1");
    expect(JSON.parse(third.body)).toEqual({
      error: expect.stringContaining("in-flight cap (overloaded)") as string,
    });
    euHold.release();
    usHold.release();
    const [a, b] = await Promise.all([first, second]);
    expect([a.header("x-lb-origin"), b.header("x-lb-origin")]).toEqual(["cap-eu", "cap-us"]);
    expect([await a.text(), await b.text()]).toEqual(["first|last", "first|last"]);
  });

  it("limits each client to its token bucket when rate limiting is on, answering 429 with Retry-After", async () => {
    const [origin] = await origins("rate");
    await putTable(
      originTable(++version, [{ name: "eu", location: FRANKFURT, origins: [{ origin }] }], {
        resilience: { rateLimit: { requestsPerSecond: 1, burst: 2 } },
      }),
    );
    const from = (ip: string, now: number) =>
      edge.text({ geo: PARIS, now, headers: { "cf-connecting-ip": ip } });
    expect([(await from("198.51.100.1", T0)).status, (await from("198.51.100.1", T0)).status]).toEqual([
      200, 200,
    ]);
    const limited = await from("198.51.100.1", T0);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("1");
    expect(JSON.parse(limited.body)).toEqual({
      error: expect.stringContaining("rate limit exceeded") as string,
    });
    expect((await from("198.51.100.2", T0)).status).toBe(200);
    expect((await from("198.51.100.1", T0 + 1_000)).status).toBe(200);
  });
});

describe("drain", () => {
  it("stops new work on a drained origin, lets its request finish, and moves its sessions on their next request", async () => {
    const pool = await origins("drain-1", "drain-2", "drain-3");
    const table = (drained: string | null) =>
      originTable(
        ++version,
        [
          {
            name: "eu",
            location: FRANKFURT,
            origins: pool.map((origin) => ({ origin, weight: origin.name === drained ? 0 : 100 })),
          },
        ],
        { affinity: { by: "header", name: "x-user" } },
      );
    await putTable(table(null));
    const users = Array.from({ length: 60 }, (_, i) => `u${i}`);
    const place = async (now: number) =>
      (
        await sendMany(edge, users.length, 4, (i) => ({
          geo: PARIS,
          now,
          headers: { "x-user": users[i] ?? "" },
        }))
      ).map((a) => a.origin);
    const before = await place(T0 + 1);
    const victim = users.findIndex((_, i) => before[i] === "drain-2");
    expect(victim).toBeGreaterThanOrEqual(0);
    const hold = pool[1].holdNext();
    const inFlight = edge.open({ geo: PARIS, now: T0 + 2, headers: { "x-user": users[victim] ?? "" } });
    await hold.started;
    await putTable(table("drain-2"), T0 + 3);
    const after = await place(T0 + 4);
    users.forEach((_, i) => {
      if (before[i] === "drain-2") expect(after[i]).not.toBe("drain-2");
      else expect(after[i]).toBe(before[i]);
    });
    hold.release();
    const finished = await inFlight;
    expect(finished.status).toBe(200);
    expect(await finished.text()).toBe("first|last");
  });
});
