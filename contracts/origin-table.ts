import * as v from "valibot";
import { originId, poolName } from "./names.ts";
import type { ResilienceSettings } from "./resilience.ts";
import { checkResilience, resilienceSchema } from "./resilience.ts";
import type { Validated, ValidationIssue } from "./validation.ts";
import {
  boundedInteger,
  boundedNumber,
  documentVersion,
  fieldsOf,
  isoTimestamp,
  itemsOf,
  validateWith,
} from "./validation.ts";

/** Default per-try upstream timeout when the table sets none. */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** Default health-check path of an origin. */
export const DEFAULT_HEALTH_PATH = "/healthz";
/** Default number of healthy origins below which a pool is passed over. */
export const DEFAULT_MIN_HEALTHY = 1;
/** Largest operator weight. */
export const MAX_ORIGIN_WEIGHT = 1000;

/** True for an absolute http(s) URL with a host and no credentials, query or fragment. */
export function isOriginUrl(text: string): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  return (
    (url.protocol === "http:" || url.protocol === "https:") &&
    url.hostname !== "" &&
    url.username === "" &&
    url.password === "" &&
    url.search === "" &&
    url.hash === "" &&
    !text.includes("?") &&
    !text.includes("#")
  );
}

const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,128}$/;

const originSchema = v.strictObject({
  id: originId,
  url: v.pipe(
    v.string("must be a string"),
    v.maxLength(2048, "must be at most 2048 characters"),
    v.check(
      isOriginUrl,
      "must be an http(s) URL (http(s)://host[:port][/base path]) with no credentials, query or fragment",
    ),
  ),
  weight: boundedNumber(0, MAX_ORIGIN_WEIGHT),
  enabled: v.optional(v.boolean("must be true or false")),
  healthPath: v.optional(
    v.pipe(
      v.string("must be a string"),
      v.maxLength(1024, "must be at most 1024 characters"),
      v.regex(/^\/[^\s#]*$/, "must be a path starting with '/' (a query is allowed, no spaces or fragment)"),
    ),
  ),
});

const poolSchema = v.strictObject({
  name: poolName,
  location: v.strictObject({ lat: boundedNumber(-90, 90), lon: boundedNumber(-180, 180) }),
  countries: v.optional(
    v.array(
      v.pipe(
        v.string("must be a string"),
        v.regex(/^[A-Z]{2}$/, "must be an upper-case ISO-3166 alpha-2 country code, e.g. DE"),
      ),
    ),
  ),
  fallback: v.optional(poolName),
  minHealthy: v.optional(boundedInteger(1, 1000)),
  origins: v.pipe(
    v.array(originSchema, "must be a list of origins"),
    v.minLength(1, "must list at least one origin"),
    v.maxLength(1000, "must list at most 1000 origins"),
  ),
});

/** Schema of the origin table (KV key `table`). */
export const originTableSchema = v.strictObject({
  version: documentVersion,
  updatedAt: isoTimestamp,
  pools: v.pipe(
    v.array(poolSchema, "must be a list of pools"),
    v.minLength(1, "must list at least one pool"),
    v.maxLength(200, "must list at most 200 pools"),
  ),
  affinity: v.optional(
    v.strictObject({
      by: v.picklist(["cookie", "header", "ip"], "must be one of cookie, header, ip"),
      name: v.optional(
        v.pipe(v.string("must be a string"), v.regex(HTTP_TOKEN, "must be a valid cookie or header name")),
      ),
      ttlSeconds: v.optional(boundedInteger(1, 31_536_000)),
    }),
  ),
  timeoutMs: v.optional(boundedInteger(1, 300_000)),
  /** An optional extension (docs/architecture.md, "Origin table"): the edge's health, ejection,
   * retry and overload knobs. */
  resilience: v.optional(resilienceSchema),
});

export type OriginTable = v.InferOutput<typeof originTableSchema>;
export type Pool = OriginTable["pools"][number];
export type Origin = Pool["origins"][number];

/** What the cross-field rules read of a table: each field only when it has the right type, so
 * the rules also run on a table whose shape is wrong and one answer lists every problem. */
type TableReferences = {
  pools: { name?: string; fallback?: string; minHealthy?: number; originIds: (string | undefined)[] }[];
  resilience?: ResilienceSettings;
};

function referencesOf(input: unknown): TableReferences {
  const text = (value: unknown) => (typeof value === "string" ? value : undefined);
  const table = fieldsOf(input);
  const pools = itemsOf(table.pools).map((raw) => {
    const pool = fieldsOf(raw);
    return {
      name: text(pool.name),
      fallback: text(pool.fallback),
      minHealthy: typeof pool.minHealthy === "number" ? pool.minHealthy : undefined,
      originIds: itemsOf(pool.origins).map((origin) => text(fieldsOf(origin).id)),
    };
  });
  const resilience = validateWith(resilienceSchema, table.resilience);
  return { pools, resilience: resilience.ok ? resilience.value : undefined };
}

/** Cross-field rules the schema cannot express: unique names and ids, fallbacks that exist. */
function checkTableReferences(table: TableReferences): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const poolIndex = new Map<string, number>();
  const originIndex = new Map<string, string>();
  table.pools.forEach((pool, p) => {
    if (pool.name !== undefined) {
      const earlier = poolIndex.get(pool.name);
      if (earlier !== undefined)
        issues.push({
          path: `pools[${p}].name`,
          message: `duplicate pool name "${pool.name}" (also pools[${earlier}])`,
        });
      else poolIndex.set(pool.name, p);
    }
    pool.originIds.forEach((id, o) => {
      if (id === undefined) return;
      const path = `pools[${p}].origins[${o}]`;
      const seen = originIndex.get(id);
      if (seen !== undefined)
        issues.push({ path: `${path}.id`, message: `duplicate origin id "${id}" (also ${seen})` });
      else originIndex.set(id, path);
    });
    if (
      pool.minHealthy !== undefined &&
      pool.originIds.length > 0 &&
      pool.minHealthy > pool.originIds.length
    ) {
      issues.push({
        path: `pools[${p}].minHealthy`,
        message: `must not exceed the pool's ${pool.originIds.length} origin(s)`,
      });
    }
  });
  table.pools.forEach((pool, p) => {
    if (pool.fallback === undefined) return;
    if (pool.fallback === pool.name)
      issues.push({ path: `pools[${p}].fallback`, message: "must name another pool, not the pool itself" });
    else if (!poolIndex.has(pool.fallback))
      issues.push({
        path: `pools[${p}].fallback`,
        message: `names no pool of this table ("${pool.fallback}")`,
      });
  });
  if (table.resilience) issues.push(...checkResilience(table.resilience, "resilience"));
  return issues;
}

/** The rules across pools alone (unique pool names and origin ids, fallbacks that exist, ...),
 * read from whatever `input` holds: for documents that describe pools the same way. */
export function tableReferenceIssues(input: unknown): ValidationIssue[] {
  return checkTableReferences(referencesOf(input));
}

/** Validates an origin table: its shape, and names, ids and fallbacks across pools (these also
 * when the shape is wrong, so one answer lists everything to fix). */
export function validateOriginTable(input: unknown): Validated<OriginTable> {
  const shaped = validateWith(originTableSchema, input);
  const issues = [...(shaped.ok ? [] : shaped.issues), ...tableReferenceIssues(input)];
  return shaped.ok && issues.length === 0 ? shaped : { ok: false, issues };
}
