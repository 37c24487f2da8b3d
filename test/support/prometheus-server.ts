// Debian's real Prometheus for tests: started on a free loopback port with a generated config and
// its own data directory, stopped and restarted on the same port and data (an outage). Missing
// Prometheus fails the test with the fix: nothing is skipped silently (.ci/run installs it).
import type { ChildProcess } from "node:child_process";
import { execFileSync, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The path of Debian's prometheus binary; throws saying how to install it when there is none. */
export function prometheusBinary(): string {
  try {
    return execFileSync("sh", ["-c", "command -v prometheus"], { encoding: "utf8" }).trim();
  } catch {
    throw new Error(
      "Debian's prometheus is not installed, and these tests run against a real one: apt-get install prometheus (.ci/run installs it)",
    );
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Polls `check` every 100 ms until it holds, failing with `what` after `timeoutMs`. */
export async function pollUntil(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export type TestPrometheus = {
  url: string;
  /** Stops the server (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data directory and waits until it is ready. */
  start(): Promise<void>;
  /** Stops it and removes its data. */
  cleanup(): Promise<void>;
};

/** The scrape config of one job scraping `targets` (host:port) at `path`. */
export function scrapeJob(name: string, targets: string[], path = "/metrics"): string {
  return `  - job_name: ${name}\n    metrics_path: ${path}\n    static_configs: [{ targets: ${JSON.stringify(targets)} }]`;
}

/** Starts Prometheus with these scrape jobs (scrapeJob), scraping every `scrapeSeconds`, and waits
 * until it is ready. */
export async function startPrometheus(jobs: string[], scrapeSeconds: number): Promise<TestPrometheus> {
  const binary = prometheusBinary();
  const dir = await mkdtemp(join(tmpdir(), "headroom-prometheus-"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  await writeFile(
    join(dir, "prometheus.yml"),
    [
      `global: { scrape_interval: ${scrapeSeconds}s, scrape_timeout: ${scrapeSeconds}s }`,
      "scrape_configs:",
      ...jobs,
      "",
    ].join("\n"),
  );
  let child: ChildProcess | null = null;
  let output = "";
  const start = async () => {
    output = "";
    const started = spawn(
      binary,
      [
        `--config.file=${join(dir, "prometheus.yml")}`,
        `--storage.tsdb.path=${join(dir, "data")}`,
        `--web.listen-address=127.0.0.1:${port}`,
        "--log.level=warn",
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    started.stderr.on("data", (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4_000);
    });
    child = started;
    await pollUntil(`Prometheus ready on ${url} (its log: ${output})`, async () => {
      if (started.exitCode !== null) throw new Error(`prometheus exited with ${started.exitCode}: ${output}`);
      return (await fetch(`${url}/-/ready`)).ok;
    });
  };
  const stop = async () => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once("exit", resolve));
    running.kill("SIGTERM");
    await exited;
  };
  await start();
  return {
    url,
    start,
    stop,
    async cleanup() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
