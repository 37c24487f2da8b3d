/**
 * `npm start`: the whole local stack until Ctrl-C (see docs/local-stack.md). The composition
 * root of the launcher: it reads flags and environment variables, starts the stack through
 * `startStack`, prints one line per part and the URLs to open, and stops every part on a signal.
 */
import { readFile } from "node:fs/promises";
import { parseJsonText } from "../../contracts/index.ts";
import { formatProgressLine } from "../replayer/progress-format.ts";
import { cliNameOf, parseCli } from "./cli-settings.ts";
import { isNotable, isWorthShowing, partLine, readyLine, urlLines, usage } from "./console-lines.ts";
import { PortsInUseError } from "./ports.ts";
import { RedisUnavailableError } from "./redis.ts";
import { StackConfigError } from "./stack-checks.ts";
import type { RunningStack } from "./start-stack.ts";
import { startStack } from "./start-stack.ts";

const PROGRESS_EVERY_MS = 30_000;
const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
const err = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** Prints a problem in the user's terms and sets the exit status: 2 for what they can fix in the
 * command, 1 for everything else. */
function report(error: unknown): void {
  if (error instanceof StackConfigError) {
    for (const issue of error.issues) err(`npm start: ${cliNameOf(issue.path)}: ${issue.message}`);
    process.exitCode = 2;
  } else if (error instanceof PortsInUseError || error instanceof RedisUnavailableError) {
    for (const line of error.message.split("\n")) err(`npm start: ${line}`);
    process.exitCode = 2;
  } else {
    err(`npm start: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}

async function main(): Promise<void> {
  const parsed = parseCli(process.argv.slice(2), process.env);
  if (!parsed.ok) {
    for (const issue of parsed.issues) err(`npm start: ${issue.path}: ${issue.message}`);
    process.exitCode = 2;
    return;
  }
  const { request } = parsed;
  if (request.help) {
    out(usage());
    return;
  }
  let fleet: unknown;
  if (request.fleetFile !== undefined) {
    const text = await readFile(request.fleetFile, "utf8").catch((error: unknown) => {
      throw new StackConfigError([
        {
          path: "fleet.",
          message: `cannot read ${request.fleetFile ?? ""}: ${error instanceof Error ? error.message : String(error)}`,
        },
      ]);
    });
    const json = parseJsonText(text);
    if (!json.ok)
      throw new StackConfigError(
        json.issues.map((issue) => ({
          path: "fleet.",
          message: `${request.fleetFile ?? ""} ${issue.message}`,
        })),
      );
    fleet = json.value;
  }

  const aborter = new AbortController();
  let stack: RunningStack | null = null;
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals++;
    if (signals > 1) {
      // A second Ctrl-C: stop waiting for a graceful end, end every process group now.
      for (const pid of stack?.pids() ?? [])
        try {
          process.kill(-pid, "SIGKILL");
        } catch {
          /* already gone */
        }
      process.exit(130);
    }
    err(`\n${signal}: stopping every part (Ctrl-C again to kill them at once)...`);
    aborter.abort();
    if (stack) void stop(stack, 0);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  out("Headroom local stack: starting (Ctrl-C stops it)");
  const started = performance.now();
  try {
    stack = await startStack({
      ...request.settings,
      // A fixed prefix: a new run clears what the last one left, and its data can be inspected after.
      prefix: request.settings.prefix ?? "headroom-local",
      ...(fleet !== undefined ? { fleet } : {}),
      signal: aborter.signal,
      onReady: (part, detail, ms) => {
        out(readyLine(part, detail, ms));
      },
      log: (part, line) => {
        if (isWorthShowing(part, line) && (!request.quiet || isNotable(part, line)))
          out(partLine(part, line));
      },
    });
  } catch (error) {
    if (!aborter.signal.aborted) throw error;
    err("stopped before the start completed; every part started so far is stopped");
    process.exit(130);
  }
  if (aborter.signal.aborted) {
    await stop(stack, 130);
    return;
  }
  out(`  all parts up in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  for (const line of urlLines(stack)) out(line);

  const running = stack;
  const progress = setInterval(() => {
    out(partLine("traffic", formatProgressLine(running.traffic.replay.progress(), PROGRESS_EVERY_MS / 1000)));
  }, PROGRESS_EVERY_MS);
  progress.unref();
  void running.failure.then((error) => {
    err(`npm start: ${error.message}`);
    void stop(running, 1);
  });
  void running.traffic.replay.done.then((summary) => {
    if (signals > 0) return;
    out(
      partLine(
        "traffic",
        `the replay ended after ${(summary.elapsedMs / 1000).toFixed(0)} s: sent ${summary.sent}, ok ${summary.ok}, failed ${summary.failed}; stopping`,
      ),
    );
    void stop(running, summary.failed > 0 ? 1 : 0);
  });
  // The origins' and the replay's timers are unref'd; this keeps the launcher alive until stopped.
  setInterval(() => undefined, 1 << 30);
}

let stopping: Promise<void> | null = null;
function stop(stack: RunningStack, code: number): Promise<void> {
  return (stopping ??= (async () => {
    const began = performance.now();
    await stack.stop();
    err(`stopped every part in ${((performance.now() - began) / 1000).toFixed(1)} s`);
    process.exit(code);
  })());
}

main().catch((error: unknown) => {
  report(error);
  process.exit(process.exitCode ?? 1);
});
