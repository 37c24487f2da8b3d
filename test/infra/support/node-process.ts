// A compiled service run with plain `node` (no TypeScript loader), its output collected so a test
// can wait for a line; killed by its own pid.
import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { once } from "node:events";

export type NodeProcess = {
  pid: number;
  output(): string;
  /** Waits until the output matches `pattern`; fails after `timeoutMs` or if the process exits. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  stop(): Promise<void>;
};

/** Starts `node args...` in `cwd` with exactly `env` (nothing inherited: no NODE_OPTIONS). */
export function startNode(args: readonly string[], cwd: string, env: Record<string, string>): NodeProcess {
  const child: ChildProcess = spawn(process.execPath, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let text = "";
  const wakers = new Set<() => void>();
  const collect = (chunk: Buffer) => {
    text += chunk.toString("utf8");
    for (const wake of wakers) wake();
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  child.on("exit", () => {
    for (const wake of wakers) wake();
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start node ${args.join(" ")}`);
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    pid,
    output: () => text,
    waitFor(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          finish(new Error(`no ${String(pattern)} within ${timeoutMs} ms; output:\n${text}`));
        }, timeoutMs);
        const finish = (error: Error | null, match?: RegExpMatchArray) => {
          clearTimeout(timer);
          wakers.delete(check);
          if (error) reject(error);
          else if (match) resolve(match);
        };
        const check = () => {
          const match = pattern.exec(text);
          if (match) finish(null, match);
          else if (!running())
            finish(
              new Error(`exited (${child.exitCode ?? child.signalCode}) before ${String(pattern)}:\n${text}`),
            );
        };
        wakers.add(check);
        check();
      });
    },
    async stop() {
      if (!running()) return;
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      await exited;
    },
  };
}
