import type { ValidationIssue } from "../../contracts/index.ts";
import { SLO_MODES } from "../../contracts/index.ts";
import type { DecisionFilter } from "../store/documents.ts";
import { originFilter, poolFilter } from "./query-params.ts";

type Query = Record<string, string | string[] | undefined>;

/** Reads the decision filters of `GET /api/decisions` (`since`, `until`: ISO-8601 or epoch ms;
 * `pool`, `origin`, `mode`, `applied`), collecting every problem. */
export function decisionFilter(query: Query, issues: ValidationIssue[]): DecisionFilter {
  const filter: DecisionFilter = {};
  const since = time(query, "since", issues);
  const until = time(query, "until", issues);
  if (since !== undefined) filter.since = since;
  if (until !== undefined) filter.until = until;
  if (since !== undefined && until !== undefined && since > until)
    issues.push({ path: "since", message: "must not be after until" });
  const pool = poolFilter(query, issues);
  if (pool !== undefined) filter.pool = pool;
  const origin = originFilter(query, issues);
  if (origin !== undefined) filter.origin = origin;
  const mode = one(query, "mode", issues);
  if (mode !== undefined) {
    const known = SLO_MODES.find((m) => m === mode);
    if (known) filter.mode = known;
    else issues.push({ path: "mode", message: `must be one of ${SLO_MODES.join(", ")}` });
  }
  const applied = one(query, "applied", issues);
  if (applied !== undefined) {
    if (applied === "true" || applied === "false") filter.applied = applied === "true";
    else issues.push({ path: "applied", message: "must be true or false" });
  }
  return filter;
}

/** An optional time: ISO-8601 with a time zone, or epoch milliseconds. */
function time(query: Query, name: string, issues: ValidationIssue[]): number | undefined {
  const text = one(query, name, issues);
  if (text === undefined) return undefined;
  const value = /^\d{1,16}$/.test(text)
    ? Number(text)
    : /^\d{4}-\d{2}-\d{2}T.+(Z|[+-]\d{2}:\d{2})$/.test(text)
      ? Date.parse(text)
      : Number.NaN;
  if (!Number.isFinite(value)) {
    issues.push({
      path: name,
      message: "must be an ISO-8601 time with a time zone (2026-01-05T12:00:00Z) or epoch milliseconds",
    });
    return undefined;
  }
  return value;
}

function one(query: Query, name: string, issues: ValidationIssue[]): string | undefined {
  const value = query[name];
  if (Array.isArray(value)) {
    issues.push({ path: name, message: "must be given once" });
    return undefined;
  }
  return value === "" ? undefined : value;
}
