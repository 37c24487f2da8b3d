import { connect, createServer } from "node:net";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { ensureRedis, planLocalRedis, RedisUnavailableError } from "../../infra/stack/redis.ts";
import { TEST_REDIS_URL } from "../support/redis.ts";

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== "object" || address === null) throw new Error("no port");
  return address.port;
}

describe("ensureRedis", () => {
  it("uses a Redis that already answers and starts nothing", async () => {
    const handle = await ensureRedis({ url: TEST_REDIS_URL });
    expect(handle.started).toBe(false);
    await handle.stop();
    const redis = new Redis(TEST_REDIS_URL);
    expect(await redis.ping()).toBe("PONG");
    redis.disconnect();
  });

  it("starts an ephemeral redis-server when nothing answers, and stops it at the end", async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const handle = await ensureRedis({ url });
    expect(handle.started).toBe(true);
    const redis = new Redis(url);
    await redis.set("k", "v");
    expect(await redis.get("k")).toBe("v");
    expect(await redis.config("GET", "save")).toEqual(["save", ""]);
    redis.disconnect();
    await handle.stop();
    const port = Number(new URL(url).port);
    const outcome = await new Promise<string>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve("connected");
      });
      socket.once("error", (error: NodeJS.ErrnoException) => {
        resolve(error.code ?? "error");
      });
    });
    expect(outcome).toBe("ECONNREFUSED");
  });

  it("says how to install Redis when nothing answers and redis-server is missing", async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const failure = await ensureRedis({ url, redisServer: "/nonexistent/redis-server" }).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(RedisUnavailableError);
    expect((failure as Error).message).toMatch(/apt-get install redis-server/);
  });
});

describe("planLocalRedis", () => {
  it("starts only a plain redis:// Redis on this machine, keeping its port and password", () => {
    expect(planLocalRedis(new URL("redis://127.0.0.1:6390"))).toEqual({
      start: true,
      port: 6390,
      bind: "127.0.0.1",
    });
    expect(planLocalRedis(new URL("redis://:p%40ss@localhost"))).toEqual({
      start: true,
      port: 6379,
      bind: "127.0.0.1",
      password: "p@ss",
    });
    const remote = planLocalRedis(new URL("redis://:secret@redis.internal:6379"));
    expect(remote).toMatchObject({
      start: false,
      message: expect.stringContaining("not on this machine") as unknown,
    });
    expect(JSON.stringify(remote)).not.toContain("secret");
    expect(planLocalRedis(new URL("rediss://127.0.0.1:6380"))).toMatchObject({ start: false });
  });
});
