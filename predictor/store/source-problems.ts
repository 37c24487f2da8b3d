import type { Redis } from "ioredis";
import type { RedisKeys } from "../../contracts/index.ts";
import { validateWith } from "../../contracts/index.ts";
import type { SourceProblem } from "../../contracts/source-problem.ts";
import { sourceProblemSchema } from "../../contracts/source-problem.ts";

export type { SourceProblem } from "../../contracts/source-problem.ts";

/**
 * The sources failing now, one entry per source, kept in Redis so every process of a deployment
 * (API, workers) sees the same. A failure is news only when its message changes: the caller logs
 * it and adds it to the scrape-errors stream then, not at every step.
 */
export class SourceProblemStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  /** Records that `target` fails with `message`; true when that is news (new or a new message). */
  async report(problem: Omit<SourceProblem, "since" | "at">, now: number): Promise<boolean> {
    const at = new Date(now).toISOString();
    const previous = await this.get(problem.target);
    const changed = previous?.message !== problem.message;
    const since = previous && !changed ? previous.since : at;
    const entry: SourceProblem = { ...problem, since, at };
    await this.redis.hset(this.keys.sourceProblems, problem.target, JSON.stringify(entry));
    return changed;
  }

  /** Forgets the problem of `target`, which works again; returns the problem it had, if any. */
  async clear(target: string): Promise<SourceProblem | null> {
    const previous = await this.get(target);
    if (previous) await this.redis.hdel(this.keys.sourceProblems, target);
    return previous;
  }

  /** Every source failing now, oldest problem first; entries that cannot be read are skipped. */
  async list(): Promise<SourceProblem[]> {
    const all = await this.redis.hgetall(this.keys.sourceProblems);
    return Object.values(all)
      .map(parse)
      .filter((p): p is SourceProblem => p !== null)
      .sort((a, b) => a.since.localeCompare(b.since) || a.target.localeCompare(b.target));
  }

  private async get(target: string): Promise<SourceProblem | null> {
    const text = await this.redis.hget(this.keys.sourceProblems, target);
    return text === null ? null : parse(text);
  }
}

function parse(text: string): SourceProblem | null {
  try {
    const checked = validateWith(sourceProblemSchema, JSON.parse(text));
    return checked.ok ? checked.value : null;
  } catch {
    return null;
  }
}
