import type { DocumentStore } from "../store/documents.ts";
import type { SourceProblem } from "../store/source-problems.ts";

/** What reporting a source's health needs: the stores, the clock, and the log (optional). */
export type SourceHealthDeps = { documents: DocumentStore; now: () => number; log?: (line: string) => void };

/**
 * Records that a source fails. Only news reaches the log and the scrape-errors stream (a new
 * problem, or a new message): a query that matches nothing says so once, not at every step,
 * while /api/scrape-errors, /metrics and the dashboard show it for as long as it lasts.
 */
export async function sourceFailed(
  deps: SourceHealthDeps,
  problem: Omit<SourceProblem, "since" | "at">,
): Promise<void> {
  const now = deps.now();
  if (!(await deps.documents.sourceProblems.report(problem, now))) return;
  await deps.documents.recordScrapeError({
    at: now,
    target: problem.target,
    origin: problem.origin,
    message: problem.message,
  });
  deps.log?.(`source ${problem.target} (origin ${problem.origin}) fails: ${problem.message}`);
}

/** Records that a source works; says so in the log when it had failed. */
export async function sourceWorks(deps: SourceHealthDeps, target: string): Promise<void> {
  const was = await deps.documents.sourceProblems.clear(target);
  if (was) deps.log?.(`source ${target} works again (it failed from ${was.since}: ${was.message})`);
}
