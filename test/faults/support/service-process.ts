// Runs one of the product's services (predictor/main.ts, scaler/main.ts, or a test fixture) as a
// real child process, so a test can kill it the way an operating system would.
import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The project's root folder. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** A running service: its combined output, a way to wait for a line, and a way to kill it. */
export type ServiceProcess = {
  pid: number;
  /** Everything it printed so far (stdout and stderr, interleaved as received). */
  output(): string;
  /** Waits until its output matches `pattern`; fails after `timeoutMs` or if it exits first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** True while the process runs. */
  running(): boolean;
  /** Sends `signal` and waits for the exit. */
  kill(signal: NodeJS.Signals): Promise<void>;
};

/** Starts `tsx <script> ...args` in the project root with `env` added to this process's;
 * `preload` modules (TypeScript, test fixtures) are imported before the script. */
export function startService(
  script: string,
  args: readonly string[],
  env: Record<string, string>,
  preload: readonly string[] = [],
): ServiceProcess {
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", ...preload.flatMap((file) => ["--import", `./${file}`]), script, ...args],
    {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let text = "";
  const waiters = new Set<() => void>();
  const collect = (chunk: Buffer) => {
    text += chunk.toString("utf8");
    for (const wake of waiters) wake();
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  child.on("exit", () => {
    for (const wake of waiters) wake();
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${script}`);
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    pid,
    output: () => text,
    running,
    waitFor(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(text);
          if (match)
            finish(() => {
              resolve(match);
            });
          else if (!running())
            finish(() => {
              reject(
                new Error(
                  `${script} exited (${String(child.exitCode ?? child.signalCode)}) before printing ${String(pattern)}; its output:\n${text.slice(-3000)}`,
                ),
              );
            });
        };
        const timer = setTimeout(() => {
          finish(() => {
            reject(
              new Error(
                `${script} did not print ${String(pattern)} within ${timeoutMs} ms; its output:\n${text.slice(-3000)}`,
              ),
            );
          });
        }, timeoutMs);
        const finish = (settle: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          settle();
        };
        waiters.add(check);
        check();
      });
    },
    async kill(signal) {
      if (!running()) return;
      const exited = once(child, "exit");
      child.kill(signal);
      await exited;
    },
  };
}
