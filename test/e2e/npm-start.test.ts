import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../infra/stack/service-process.ts";
import { descendants, isAlive } from "./support/process-tree.ts";

type Run = { child: ChildProcess; output: () => string; exited: Promise<number | null> };

/** Runs the launcher as `npm start` does (tsx infra/stack/main.ts), in its own process group as a
 * terminal would, so a Ctrl-C can be sent to the whole group. */
function launch(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, ["--import", "tsx", "infra/stack/main.ts", ...args], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
  let text = "";
  child.stdout.on("data", (chunk: Buffer) => {
    text += chunk.toString("utf8");
  });
  child.stderr.on("data", (chunk: Buffer) => {
    text += chunk.toString("utf8");
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      resolve(code);
    }),
  );
  return { child, output: () => text, exited };
}

/** Bounded polling of a real set of processes: `probe` until it returns a value, failing with
 * `missing()` and the launcher's output once `ms` pass or the launcher exits. */
async function poll<T>(run: Run, probe: () => T | undefined, missing: () => string, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = probe();
    if (found !== undefined) return found;
    if (run.child.exitCode !== null)
      throw new Error(`the launcher exited with ${run.child.exitCode}:\n${run.output()}`);
    if (Date.now() > deadline) throw new Error(`${missing()} within ${ms} ms:\n${run.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Waits for a line of the launcher's output. */
async function waitForOutput(run: Run, pattern: RegExp, ms: number): Promise<void> {
  await poll(
    run,
    () => (pattern.test(run.output()) ? true : undefined),
    () => `no ${String(pattern)}`,
    ms,
  );
}

/** The launcher's process tree once it holds a process named `name` (on a loaded machine a child
 * may still be starting its own); the failure names every process found. */
function descendantsWith(run: Run, name: string, ms: number): Promise<ReturnType<typeof descendants>> {
  const tree = () => descendants(run.child.pid ?? 0);
  return poll(
    run,
    () => {
      const found = tree();
      return found.some((p) => p.name === name) ? found : undefined;
    },
    () => `no ${name} process under the launcher; found ${JSON.stringify(tree())}`,
    ms,
  );
}

describe("npm start", () => {
  it("prints a line per part and the URLs, and a Ctrl-C stops every process it started", async () => {
    const run = launch([
      "--prefix",
      `e2e-cli-${randomBytes(4).toString("hex")}`,
      "--edge-port",
      "0",
      "--predictor-port",
      "0",
      "--scaler-port",
      "0",
      "--origin-base-port",
      "0",
      "--history",
      "10m",
      "--peak-rps",
      "40",
      "--quiet",
    ]);
    try {
      await waitForOutput(run, /all parts up in/, 150_000);
      const text = run.output();
      for (const part of ["redis", "origins", "edge", "traffic", "predictor", "scaler"])
        expect(text).toMatch(new RegExp(`^  ${part} +ready in +\\d+\\.\\d s  `, "m"));
      expect(text).toMatch(/^ {2}dashboard +http:\/\/127\.0\.0\.1:\d+\/ /m);
      expect(text).toMatch(/^ {2}Worker +http:\/\/127\.0\.0\.1:\d+\/ /m);
      expect(text).toMatch(/^ {2}admin token +\S{16,} /m);
      // The scaler's own status server: healthy once the stack is up, and its metrics served.
      const scalerMetrics = /^ {2}scaler +(http:\/\/127\.0\.0\.1:\d+\/metrics) /m.exec(text)?.[1] ?? "";
      expect(scalerMetrics).not.toBe("");
      const health = await fetch(scalerMetrics.replace(/metrics$/, "healthz"));
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ ok: true, redis: "ready", worker: "running" });
      expect(await (await fetch(scalerMetrics)).text()).toContain("# TYPE scaler_evaluations_total counter");
      const started = await descendantsWith(run, "workerd", 10_000);
      process.kill(-(run.child.pid ?? 0), "SIGINT");
      expect(await run.exited).toBe(0);
      expect(run.output()).toMatch(/stopped every part in \d+\.\d s/);
      expect(started.filter((p) => isAlive(p.pid))).toEqual([]);
    } finally {
      if (run.child.exitCode === null) process.kill(-(run.child.pid ?? 0), "SIGKILL");
    }
  }, 240_000);

  it("stops at once when a port it needs is taken, naming the port and how to move it", async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    const port = (holder.address() as AddressInfo).port;
    try {
      const run = launch([
        "--predictor-port",
        String(port),
        "--edge-port",
        "0",
        "--scaler-port",
        "0",
        "--origin-base-port",
        "0",
      ]);
      expect(await run.exited).toBe(2);
      expect(run.output()).toContain(
        `npm start: port ${port} on 127.0.0.1 (the predictor's API and dashboard) is already in use: stop what listens there, or choose another port with --predictor-port / HEADROOM_PREDICTOR_PORT`,
      );
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  }, 60_000);

  it("refuses bad settings before starting anything, naming each flag and variable", async () => {
    const [unreadable, outOfRange, inconsistent] = [
      launch(["--speed", "fast"]),
      launch([], { HEADROOM_PEAK_RPS: "-5" }),
      launch(["--boot-delay", "40s"]),
    ];
    expect(await Promise.all([unreadable.exited, outOfRange.exited, inconsistent.exited])).toEqual([2, 2, 2]);
    expect(unreadable.output()).toContain('npm start: --speed / HEADROOM_SPEED: "fast" is not a number');
    expect(outOfRange.output()).toContain("npm start: --peak-rps / HEADROOM_PEAK_RPS: must be more than 0");
    expect(inconsistent.output()).toContain(
      "npm start: --lead / HEADROOM_LEAD: must be at least the slowest origin's boot delay (40 s)",
    );
  }, 60_000);
});
