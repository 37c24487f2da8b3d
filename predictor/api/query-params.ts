import type { MetricName, ValidationIssue } from "../../contracts/index.ts";
import { METRICS, ORIGIN_ID_PATTERN, POOL_NAME_PATTERN } from "../../contracts/index.ts";
import { BadRequest } from "../../node-shared/http-error.ts";

type Query = Record<string, string | string[] | undefined>;

/** Reads the optional `origin` and `metric` filters, collecting every problem. */
export function seriesFilter(
  query: Query,
  issues: ValidationIssue[],
): { origin?: string; metric?: MetricName } {
  const origin = originFilter(query, issues);
  const metric = single(query, "metric", issues);
  if (metric !== undefined && !(METRICS as readonly string[]).includes(metric))
    issues.push({ path: "metric", message: `must be one of ${METRICS.join(", ")}` });
  return {
    ...(origin !== undefined ? { origin } : {}),
    ...(metric !== undefined ? { metric: metric as MetricName } : {}),
  };
}

/** Reads the optional `origin` filter. */
export function originFilter(query: Query, issues: ValidationIssue[]): string | undefined {
  const origin = single(query, "origin", issues);
  if (origin === undefined || ORIGIN_ID_PATTERN.test(origin)) return origin;
  issues.push({
    path: "origin",
    message: "must be an origin id (lower-case letters, digits, '-', '_' or '.')",
  });
  return undefined;
}

/** Reads the optional `pool` filter. */
export function poolFilter(query: Query, issues: ValidationIssue[]): string | undefined {
  const pool = single(query, "pool", issues);
  if (pool === undefined || POOL_NAME_PATTERN.test(pool)) return pool;
  issues.push({ path: "pool", message: "must be a pool name (lower-case letters, digits or '-')" });
  return undefined;
}

/** Reads an optional integer parameter within [min, max]. */
export function integerParam(
  query: Query,
  name: string,
  min: number,
  max: number,
  fallback: number,
  issues: ValidationIssue[],
): number {
  const text = single(query, name, issues);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    issues.push({ path: name, message: `must be a whole number from ${min} to ${max}` });
    return fallback;
  }
  return value;
}

/** Refuses the parameters a route does not take, naming those it does: a misspelt filter
 * (`?pol=eu-west`) would otherwise answer as if there were none. */
export function onlyParams(query: Query, names: readonly string[], issues: ValidationIssue[]): void {
  for (const key of Object.keys(query)) {
    if (!names.includes(key))
      issues.push({
        path: key,
        message:
          names.length > 0
            ? `is not a parameter here (this route takes ${names.join(", ")})`
            : "is not a parameter here (this route takes none)",
      });
  }
}

/** Throws a 400 with every collected issue, if any. */
export function rejectIssues(issues: ValidationIssue[]): void {
  if (issues.length > 0) throw new BadRequest("invalid query parameters", issues);
}

function single(query: Query, name: string, issues: ValidationIssue[]): string | undefined {
  const value = query[name];
  if (Array.isArray(value)) {
    issues.push({ path: name, message: "must be given once" });
    return value[0];
  }
  return value === "" ? undefined : value;
}
