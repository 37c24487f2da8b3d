// A Redis server of a test's own (never the shared one at 6379): started on a free loopback port
// in a temporary directory, so a test can crash it, restart it and inspect it at will.
import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Redis } from "ioredis";

/** A private Redis: `crash()` kills it as a crash would (SIGKILL), `start()` brings it back on
 * the same port and directory, `close()` stops it and removes its files. */
export type PrivateRedis = {
  url: string;
  port: number;
  dir: string;
  start(): Promise<void>;
  crash(): Promise<void>;
  close(): Promise<void>;
};

/** A free TCP port on 127.0.0.1 (the OS picks it; it stays free for the moment after). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts `redis-server` for one test. `persistent` turns on the append-only file with an fsync
 * per write (what a production Redis that must survive a restart runs); without it, a restart
 * loses everything, like a cache-style Redis.
 */
export async function startPrivateRedis(options: { persistent: boolean }): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = await mkdtemp(path.join(tmpdir(), "headroom-fault-redis-"));
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  let output = "";
  const args = [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--dir",
    dir,
    "--save",
    "",
    "--daemonize",
    "no",
    ...(options.persistent ? ["--appendonly", "yes", "--appendfsync", "always"] : ["--appendonly", "no"]),
  ];
  const handle: PrivateRedis = {
    url,
    port,
    dir,
    async start() {
      if (child) throw new Error("the private Redis is already running");
      const started = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
      child = started;
      const collect = (chunk: Buffer) => {
        output = (output + chunk.toString("utf8")).slice(-2000);
      };
      started.stdout.on("data", collect);
      started.stderr.on("data", collect);
      await waitForPing(url, started, () => output);
    },
    async crash() {
      const running = child;
      if (!running) return;
      child = null;
      if (running.exitCode === null && running.signalCode === null) {
        const exited = once(running, "exit");
        running.kill("SIGKILL");
        await exited;
      }
    },
    async close() {
      await handle.crash();
      await rm(dir, { recursive: true, force: true });
    },
  };
  await handle.start();
  return handle;
}

/** Bounded polling until the freshly started server answers (or fails early if it exits). */
async function waitForPing(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`redis-server exited with code ${child.exitCode}: ${output()}`);
    const redis = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      enableOfflineQueue: false,
    });
    redis.on("error", () => undefined);
    try {
      await redis.connect();
      await redis.ping();
      return;
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(`redis-server on ${url} did not answer within 10 s: ${String(error)} ${output()}`, {
          cause: error,
        });
    } finally {
      redis.disconnect();
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
