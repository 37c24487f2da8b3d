import * as v from "valibot";
import type { ValidationIssue } from "./validation.ts";
import { boundedInteger, boundedNumber } from "./validation.ts";

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,128}$/;
/** A path prefix: starts with "/", no spaces, query or fragment. */
const PATH_PREFIX = /^\/[^\s?#]{0,255}$/;

/**
 * The table's rate limit (the `resilience.rateLimit` block), off when absent. What a request is
 * counted by: the client's IP (`by: "ip"`, the default), a header's value (`by: "header"`), or
 * the path prefix it falls under (`by: "path"`, one budget per prefix for all clients). `paths`
 * narrows any of them to requests under those prefixes, each prefix with its own budget.
 * Enforced fleet-wide by the Workers Rate Limiting binding when the Worker has one (its limit
 * and period are the binding's, in wrangler.toml); else by a token bucket per isolate refilled
 * at `requestsPerSecond` up to `burst` (docs/architecture.md, "Rate limiting").
 */
export const rateLimitSchema = v.strictObject({
  requestsPerSecond: boundedNumber(0.001, 1_000_000),
  burst: boundedInteger(1, 1_000_000),
  by: v.optional(v.picklist(["ip", "header", "path"], "must be one of ip, header, path")),
  header: v.optional(
    v.pipe(v.string("must be a string"), v.regex(HEADER_NAME, "must be a valid header name")),
  ),
  paths: v.optional(
    v.pipe(
      v.array(
        v.pipe(
          v.string("must be a string"),
          v.regex(PATH_PREFIX, "must be a path prefix starting with '/' (no spaces, query or fragment)"),
        ),
        "must be a list of path prefixes",
      ),
      v.minLength(1, "must list at least one path prefix"),
      v.maxLength(64, "must list at most 64 path prefixes"),
    ),
  ),
});

export type RateLimitSettings = v.InferOutput<typeof rateLimitSchema>;

/** Rules between the block's fields; `at` is the block's path in the table. */
export function checkRateLimit(settings: RateLimitSettings, at: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (settings.by === "header" && settings.header === undefined)
    issues.push({ path: `${at}.header`, message: 'is required when rateLimit.by is "header"' });
  if (settings.by === "path" && settings.paths === undefined)
    issues.push({ path: `${at}.paths`, message: 'is required when rateLimit.by is "path"' });
  const seen = new Map<string, number>();
  settings.paths?.forEach((prefix, i) => {
    const earlier = seen.get(prefix);
    if (earlier !== undefined)
      issues.push({
        path: `${at}.paths[${i}]`,
        message: `duplicate prefix "${prefix}" (also paths[${earlier}])`,
      });
    else seen.set(prefix, i);
  });
  return issues;
}
