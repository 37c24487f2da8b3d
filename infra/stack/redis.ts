import { spawn, spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Redis } from "ioredis";

/** The Redis URL used when REDIS_URL is not set. */
export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

/** Redis cannot be reached nor started; the message says what to do. */
export class RedisUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "RedisUnavailableError";
  }
}

/** A Redis that answers, and how to release it: `stop()` ends the server only if we started it. */
export type RedisHandle = { url: string; started: boolean; stop(): Promise<void> };

/** How to get a Redis, printed when none is installed. */
export const INSTALL_HINT =
  "install Redis (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis) and run again, or set REDIS_URL to a Redis that runs";

/** What to do when nothing answers at `url`: start a local server (where and how), or stop with
 * a message. Only a plain redis:// URL on this machine is started for the user. */
export function planLocalRedis(
  url: URL,
): { start: true; port: number; bind: string; password?: string } | { start: false; message: string } {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const loopback = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === "::1" || host === "localhost";
  if (url.protocol !== "redis:")
    return {
      start: false,
      message: `nothing answers at ${redact(url)}; a ${url.protocol} URL is not started automatically: start that Redis, or set REDIS_URL to one that runs`,
    };
  if (!loopback)
    return {
      start: false,
      message: `nothing answers at ${redact(url)}, which is not on this machine: start that Redis, or set REDIS_URL to one that runs`,
    };
  const port = url.port === "" ? 6379 : Number(url.port);
  const password = url.password !== "" ? decodeURIComponent(url.password) : undefined;
  return {
    start: true,
    port,
    bind: host === "localhost" ? "127.0.0.1" : host,
    ...(password !== undefined ? { password } : {}),
  };
}

/** The URL with its password hidden, for messages. */
function redact(url: URL): string {
  const copy = new URL(url.href);
  if (copy.password !== "") copy.password = "***";
  return copy.href;
}

/** Pings Redis once; resolves null when it answers, else the connection error. */
async function ping(url: string, timeoutMs: number): Promise<Error | null> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  // The socket error (e.g. ECONNREFUSED) arrives as an event; connect() only says "closed".
  const seen: { socketError: Error | null } = { socketError: null };
  redis.on("error", (error: Error) => {
    seen.socketError ??= error;
  });
  try {
    await redis.connect();
    await redis.ping();
    return null;
  } catch (error) {
    return seen.socketError ?? (error instanceof Error ? error : new Error(String(error)));
  } finally {
    redis.disconnect();
  }
}

function isConnectionRefused(error: Error): boolean {
  return "code" in error && (error.code === "ECONNREFUSED" || error.code === "EADDRNOTAVAIL");
}

/**
 * Makes sure Redis answers at `url` (default REDIS_URL, else redis://127.0.0.1:6379). When nothing
 * listens there and `redis-server` is installed, starts one for this session: no snapshots, no
 * append-only file, in a temporary directory removed at `stop()`. Throws RedisUnavailableError
 * with the fix otherwise.
 */
export async function ensureRedis(
  options: {
    url?: string;
    redisServer?: string;
    startTimeoutMs?: number;
    log?: (message: string) => void;
  } = {},
): Promise<RedisHandle> {
  const urlText = options.url ?? process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
  const log = options.log ?? (() => undefined);
  let url: URL;
  try {
    url = new URL(urlText);
  } catch (error) {
    throw new RedisUnavailableError(`REDIS_URL "${urlText}" is not a URL (e.g. ${DEFAULT_REDIS_URL})`, {
      cause: error,
    });
  }
  const failure = await ping(urlText, 2000);
  if (failure === null) return { url: urlText, started: false, stop: () => Promise.resolve() };
  if (!isConnectionRefused(failure))
    throw new RedisUnavailableError(`Redis at ${redact(url)} did not answer properly: ${failure.message}`, {
      cause: failure,
    });
  const plan = planLocalRedis(url);
  if (!plan.start) throw new RedisUnavailableError(plan.message);

  const binary = options.redisServer ?? "redis-server";
  const probe = spawnSync(binary, ["--version"], { encoding: "utf8" });
  if (probe.error)
    throw new RedisUnavailableError(
      `nothing answers at ${redact(url)} and ${binary} is not installed: ${INSTALL_HINT}`,
      { cause: probe.error },
    );

  const dir = await mkdtemp(path.join(tmpdir(), "headroom-redis-"));
  const args = [
    "--port",
    String(plan.port),
    "--bind",
    plan.bind,
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    dir,
    "--daemonize",
    "no",
  ];
  if (plan.password !== undefined) args.push("--requirepass", plan.password);
  const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString("utf8")).slice(-4000);
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  // A safety net: if this process exits without calling stop(), the server goes with it.
  const killOnExit = (): void => {
    child.kill("SIGTERM");
  };
  process.once("exit", killOnExit);
  const stop = async (): Promise<void> => {
    process.off("exit", killOnExit);
    await terminate(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilAnswering(urlText, child, options.startTimeoutMs ?? 5000);
  } catch (error) {
    await stop();
    const detail = output.trim().split("\n").slice(-3).join(" | ");
    throw new RedisUnavailableError(
      `started ${binary} on port ${plan.port} but it did not come up: ${error instanceof Error ? error.message : String(error)}${detail ? ` (its output: ${detail})` : ""}`,
      { cause: error },
    );
  }
  log(`redis: started ${binary} on ${plan.bind}:${plan.port} for this session (no persistence)`);
  return { url: urlText, started: true, stop };
}

/** Bounded polling for the freshly spawned server to answer; fails early if it exits. */
async function waitUntilAnswering(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const state: { exited: string | null } = { exited: null };
  child.once("exit", (code, signal) => {
    state.exited = `it exited with ${signal ?? `code ${String(code)}`}`;
  });
  for (;;) {
    if (state.exited !== null) throw new Error(state.exited);
    const failure = await ping(url, 500);
    if (failure === null) return;
    if (Date.now() > deadline) throw new Error(`no answer within ${timeoutMs} ms (${failure.message})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** SIGTERM, then SIGKILL if the process has not exited within 5 s. */
async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) =>
    child.once("exit", () => {
      resolve();
    }),
  );
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}
