import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { ValidationIssue } from "../../contracts/index.ts";
import { JOB_NAMES } from "../../scaler/jobs/job-data.ts";
import type { ServiceProcess } from "./service-process.ts";
import { describeExit } from "./service-process.ts";

/** Invalid stack settings: every problem, each with the setting's path. */
export class StackConfigError extends Error {
  readonly issues: readonly ValidationIssue[];
  constructor(issues: readonly ValidationIssue[]) {
    super(
      `invalid stack settings:\n${issues.map((issue) => `  ${issue.path || "(options)"}: ${issue.message}`).join("\n")}`,
    );
    this.name = "StackConfigError";
    this.issues = issues;
  }
}

/** Bounded polling until the scaler has installed its repeatable `evaluate` job (it does so once
 * its configuration is valid and its queue is open), failing early if it exits. */
export async function waitForScalerSchedule(
  redis: Redis,
  queueName: string,
  scaler: Pick<ServiceProcess, "name" | "exited" | "recentOutput">,
  timeoutMs: number,
): Promise<void> {
  const queue = new Queue(queueName, { connection: redis });
  // Set from the exit event; an object so the type checker sees it can change in the loop.
  const seen: { exit: { code: number | null; signal: NodeJS.Signals | null } | null } = { exit: null };
  void scaler.exited.then((status) => {
    seen.exit = status;
  });
  const deadline = Date.now() + timeoutMs;
  try {
    while (Date.now() < deadline) {
      if (seen.exit !== null)
        throw new Error(
          `${scaler.name} exited (${describeExit(seen.exit)}) while starting; its last output:\n  ${scaler.recentOutput().slice(-8).join("\n  ")}`,
        );
      if (await queue.getJobScheduler(JOB_NAMES.evaluate)) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(
      `${scaler.name} did not schedule its evaluations within ${Math.round(timeoutMs / 1000)} s; its last output:\n  ${scaler.recentOutput().slice(-8).join("\n  ")}`,
    );
  } finally {
    await queue.close();
  }
}
