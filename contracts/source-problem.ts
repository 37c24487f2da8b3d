import * as v from "valibot";

/** A data source that fails now: a scrape target or a Prometheus query (docs/architecture.md,
 * "Redis keys": `source-problems`; served by GET /api/scrape-errors as `current`). */
export const sourceProblemSchema = v.object({
  /** The scrape URL, or `<prometheus url> <metric>: <query>`. */
  target: v.string(),
  origin: v.string(),
  /** The series' metric, for a Prometheus query; absent for a scrape (it feeds every metric). */
  metric: v.optional(v.string()),
  message: v.string(),
  /** ISO time this problem (with this message) started, and when it was last seen. */
  since: v.string(),
  at: v.string(),
});

export type SourceProblem = v.InferOutput<typeof sourceProblemSchema>;
