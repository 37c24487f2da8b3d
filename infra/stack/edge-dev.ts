import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { OriginTable } from "../../contracts/origin-table.ts";
import { validateOriginTable } from "../../contracts/origin-table.ts";
import type { WeightsOverlay } from "../../contracts/weights-overlay.ts";

/**
 * Runs the edge Worker under `wrangler dev --env dev` (workerd through Miniflare) on a chosen
 * port with an ADMIN_TOKEN, waits until it answers, seeds the origin table through the admin
 * API, and stops it cleanly. Used by the fault benchmark and the local stack; also a CLI:
 *
 *   npx tsx infra/stack/edge-dev.ts --port 8787 --token <admin token> [--table table.json]
 *     [--check-every 10]
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export type EdgeDevOptions = {
  port: number;
  /** The admin token (at least 16 characters). */
  adminToken: string;
  /** Seeded through PUT /__lb/table once the Worker answers. */
  table?: OriginTable;
  /** Runs the active health check (POST /__lb/check) this often: cron triggers do not fire
   * under wrangler dev. Off when absent. */
  healthCheckEveryMs?: number;
  /** Where the child's output goes (default: dropped). */
  log?: (line: string) => void;
  /** How long to wait for the Worker to answer (default 90 s). */
  startTimeoutMs?: number;
  /** Aborting it while the Worker starts stops the child and rejects the start. */
  signal?: AbortSignal;
  /** A Worker already bundled for workerd (an ES module): run as is (`--no-bundle`), so edits
   * of edge/ during the run neither rebuild nor reload it. Default: wrangler bundles
   * wrangler.toml's `main` and rebuilds on every change. */
  script?: string;
};

export type EdgeDev = {
  url: string;
  /** The wrangler process, leader of the process group that holds its workerd. */
  pid: number;
  /** Resolves when wrangler exits, asked to or not. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  adminToken: string;
  putTable(table: OriginTable): Promise<void>;
  putWeights(overlay: WeightsOverlay): Promise<void>;
  /** GET on the admin API, parsed as JSON. */
  admin(pathname: string): Promise<unknown>;
  stop(): Promise<void>;
};

/** A failed admin call, with the Worker's answer. */
export class EdgeDevError extends Error {}

/** One call of the Worker's admin API with the bearer token; the JSON answer, or an EdgeDevError
 * with the status and body. */
export async function adminCall(
  url: string,
  token: string,
  method: string,
  pathname: string,
  body?: unknown,
): Promise<unknown> {
  const init: RequestInit = {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
  };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await fetch(`${url}${pathname}`, init);
  const text = await response.text();
  if (!response.ok) throw new EdgeDevError(`${method} ${pathname} answered ${response.status}: ${text}`);
  return text === "" ? null : (JSON.parse(text) as unknown);
}

async function waitUntilAnswering(
  url: string,
  child: ChildProcess,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (signal?.aborted === true) throw new EdgeDevError("the start of wrangler dev was interrupted");
    if (child.exitCode !== null)
      throw new EdgeDevError(`wrangler dev exited with code ${child.exitCode} before answering`);
    try {
      const response = await fetch(`${url}/__lb/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new EdgeDevError(`wrangler dev did not answer on ${url} within ${timeoutMs} ms`);
}

function stopChild(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined)
    return Promise.resolve();
  const pid = child.pid;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }, graceMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    try {
      // The whole process group this function started: wrangler and its workerd.
      process.kill(-pid, "SIGTERM");
    } catch {
      clearTimeout(timer);
      resolve();
    }
  });
}

/** Starts the Worker and returns once it answers and the table (if any) is stored. */
export async function startEdgeDev(options: EdgeDevOptions): Promise<EdgeDev> {
  if (options.adminToken.length < 16)
    throw new EdgeDevError("the admin token must be at least 16 characters");
  if (options.table) {
    const checked = validateOriginTable(options.table);
    if (!checked.ok)
      throw new EdgeDevError(
        `the table is invalid: ${checked.issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ")}`,
      );
  }
  const persist = await mkdtemp(path.join(tmpdir(), "headroom-edge-dev-"));
  const wrangler = path.join(root, "node_modules/wrangler/bin/wrangler.js");
  const args = [
    wrangler,
    "dev",
    "--env",
    "dev",
    "--ip",
    "127.0.0.1",
    "--port",
    String(options.port),
    "--var",
    `ADMIN_TOKEN:${options.adminToken}`,
    "--persist-to",
    persist,
    "--inspector-port",
    String(options.port + 10_000),
    "--show-interactive-dev-session=false",
    "--log-level",
    "warn",
    ...(options.script !== undefined
      ? ["--config", path.join(root, "wrangler.toml"), "--no-bundle", options.script]
      : []),
  ];
  const child = spawn(process.execPath, args, {
    cwd: root,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      CLOUDFLARE_CF_FETCH_ENABLED: "false",
      WRANGLER_SEND_METRICS: "false",
      WRANGLER_SEND_ERROR_REPORTS: "false",
      NO_UPDATE_NOTIFIER: "1",
      FORCE_COLOR: "0",
    },
  });
  const log = options.log ?? (() => undefined);
  for (const stream of [child.stdout, child.stderr])
    stream.on("data", (chunk: Buffer) => {
      for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) log(line);
    });
  const url = `http://127.0.0.1:${options.port}`;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => {
      resolve({ code, signal });
    });
  });
  let timer: NodeJS.Timeout | null = null;
  const stop = async (): Promise<void> => {
    if (timer) clearInterval(timer);
    await stopChild(child);
    await rm(persist, { recursive: true, force: true });
  };
  try {
    await waitUntilAnswering(url, child, options.startTimeoutMs ?? 90_000, options.signal);
    if (options.table) await adminCall(url, options.adminToken, "PUT", "/__lb/table", options.table);
  } catch (error) {
    await stop();
    throw error;
  }
  if (options.healthCheckEveryMs !== undefined) {
    timer = setInterval(() => {
      adminCall(url, options.adminToken, "POST", "/__lb/check").catch((error: unknown) => {
        log(`health check failed: ${error instanceof Error ? error.message : String(error)}`);
      });
    }, options.healthCheckEveryMs);
  }
  return {
    url,
    pid: child.pid ?? 0,
    exited,
    adminToken: options.adminToken,
    putTable: async (table) => {
      await adminCall(url, options.adminToken, "PUT", "/__lb/table", table);
    },
    putWeights: async (overlay) => {
      await adminCall(url, options.adminToken, "PUT", "/__lb/weights", overlay);
    },
    admin: (pathname) => adminCall(url, options.adminToken, "GET", pathname),
    stop,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "8787" },
      token: { type: "string" },
      table: { type: "string" },
      "check-every": { type: "string" },
    },
  });
  const port = Number(values.port);
  const token = values.token ?? process.env.ADMIN_TOKEN;
  if (!Number.isInteger(port) || port < 1 || port > 55_535)
    throw new EdgeDevError(
      `--port must be an integer from 1 to 55535 (the inspector uses port + 10000), not ${values.port}`,
    );
  if (!token) throw new EdgeDevError("give the admin token with --token or ADMIN_TOKEN");
  const options: EdgeDevOptions = {
    port,
    adminToken: token,
    log: (line) => {
      process.stderr.write(`wrangler: ${line}\n`);
    },
  };
  if (values.table) options.table = JSON.parse(await readFile(values.table, "utf8")) as OriginTable;
  if (values["check-every"]) options.healthCheckEveryMs = Number(values["check-every"]) * 1000;
  const edge = await startEdgeDev(options);
  process.stdout.write(
    `edge Worker (wrangler dev --env dev) on ${edge.url}; admin API at ${edge.url}/__lb/status. Ctrl-C stops it.\n`,
  );
  const shutdown = (): void => {
    void edge.stop().then(() => process.exit(0));
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`edge-dev: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  });
}
