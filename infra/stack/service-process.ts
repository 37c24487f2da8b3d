import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (children run from there, so relative paths mean the same to them). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** A Node service of the stack (the predictor, the scaler) running as a child process. */
export type ServiceProcess = {
  name: string;
  pid: number;
  /** Resolves with how the process ended, whenever it ends (asked to or not). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The last lines it wrote, for error messages. */
  recentOutput(): string[];
  /** Stops its whole process group: SIGTERM, then SIGKILL after `graceMs`. Idempotent. */
  stop(graceMs?: number): Promise<void>;
};

export type ServiceOptions = {
  name: string;
  /** A TypeScript entry point, relative to the repository root; run with Node's tsx loader. */
  script: string;
  args: readonly string[];
  env: Readonly<Record<string, string>>;
  /** Every line the process writes (stdout and stderr). */
  onLine?: (line: string) => void;
  /** Runs it under `nice -n <niceness>` (every thread of it, not just the first), so that a
   * CPU-bound service takes only the CPU the others leave. */
  niceness?: number;
};

const RECENT_LINES = 30;

/**
 * Starts `node --import tsx <script>` in its own process group (detached), so that stopping it
 * reaches everything it spawned, and so that a terminal's Ctrl-C goes to the stack alone, which
 * then stops its parts in order. Output is split into lines for the caller.
 */
export function startService(options: ServiceOptions): ServiceProcess {
  const command = [process.execPath, "--import", "tsx", options.script, ...options.args];
  const niced =
    options.niceness === undefined ? command : ["nice", "-n", String(options.niceness), ...command];
  const [file = process.execPath, ...args] = niced;
  const child = spawn(file, args, {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...options.env, FORCE_COLOR: "0", NO_COLOR: "1" },
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${options.name}: could not start ${options.script}`);
  const recent: string[] = [];
  const onLine = options.onLine ?? (() => undefined);
  for (const stream of [child.stdout, child.stderr]) {
    let partial = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      const lines = (partial + chunk).split(/\r?\n|\r/);
      partial = lines.pop() ?? "";
      for (const line of lines) {
        if (line.trim() === "") continue;
        recent.push(line);
        if (recent.length > RECENT_LINES) recent.shift();
        onLine(line);
      }
    });
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => {
      resolve({ code, signal });
    });
  });
  let stopping: Promise<void> | null = null;
  return {
    name: options.name,
    pid,
    exited,
    recentOutput: () => [...recent],
    stop: (graceMs = 10_000) => (stopping ??= stopGroup(child, pid, exited, graceMs)),
  };
}

/** SIGTERM to the group, SIGKILL to whatever of it remains after the grace period. */
async function stopGroup(
  child: ChildProcess,
  pid: number,
  exited: Promise<unknown>,
  graceMs: number,
): Promise<void> {
  signalGroup(pid, "SIGTERM");
  const timer = setTimeout(() => {
    signalGroup(pid, "SIGKILL");
  }, graceMs);
  await exited;
  clearTimeout(timer);
  // The leader is gone; anything it left in its group (a grandchild) goes too.
  signalGroup(pid, "SIGKILL");
  child.stdout?.destroy();
  child.stderr?.destroy();
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already empty.
  }
}

/** Bounded polling until `url` answers 2xx, failing early when `service` exits. */
export async function waitForHttp(
  url: string,
  service: Pick<ServiceProcess, "name" | "exited" | "recentOutput">,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // Set from the exit event; an object so the type checker sees it can change in the loop.
  const seen: { exit: { code: number | null; signal: NodeJS.Signals | null } | null } = { exit: null };
  void service.exited.then((status) => {
    seen.exit = status;
  });
  let lastError = "";
  while (Date.now() < deadline) {
    if (seen.exit !== null)
      throw new Error(
        `${service.name} exited (${describeExit(seen.exit)}) before answering on ${url}${formatRecent(service.recentOutput())}`,
      );
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      if (response.ok) return;
      lastError = `HTTP ${response.status}`;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(
    `${service.name} did not answer on ${url} within ${Math.round(timeoutMs / 1000)} s (last: ${lastError})${formatRecent(service.recentOutput())}`,
  );
}

/** "code 1" or "signal SIGKILL". */
export function describeExit(status: { code: number | null; signal: NodeJS.Signals | null }): string {
  return status.signal !== null ? `signal ${status.signal}` : `code ${String(status.code)}`;
}

function formatRecent(lines: readonly string[]): string {
  const tail = lines.slice(-8);
  return tail.length > 0 ? `; its last output:\n  ${tail.join("\n  ")}` : "";
}
