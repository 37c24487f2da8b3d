import fc from "fast-check";

/** Valid documents of each kind, the seeds that mutations damage. */
export const VALID_DOCUMENTS = {
  table: {
    version: 3,
    updatedAt: "2026-01-01T00:00:00.000Z",
    pools: [
      {
        name: "eu",
        location: { lat: 50.11, lon: 8.68 },
        countries: ["DE", "FR"],
        fallback: "us",
        minHealthy: 1,
        origins: [
          { id: "eu-1", url: "http://127.0.0.1:9/base", weight: 100 },
          { id: "eu-2", url: "https://eu-2.example.com", weight: 50, enabled: true, healthPath: "/healthz" },
        ],
      },
      {
        name: "us",
        location: { lat: 39.04, lon: -77.49 },
        origins: [{ id: "us-1", url: "http://127.0.0.1:10", weight: 1 }],
      },
    ],
    affinity: { by: "cookie", name: "sticky", ttlSeconds: 600 },
    timeoutMs: 5000,
    resilience: {
      ejection: { consecutiveFailures: 3 },
      retry: { maxAttempts: 2 },
      rateLimit: { requestsPerSecond: 5, burst: 10, by: "header", header: "x-client" },
    },
  },
  weights: {
    version: 3,
    updatedAt: "2026-01-01T00:00:00.000Z",
    expiresAt: "2026-01-01T01:00:00.000Z",
    factors: { "eu-1": 2, "us-1": 0 },
    spill: { eu: 0.25 },
    reason: "forecast peak",
  },
  health: {
    checkedAt: "2026-01-01T00:00:00.000Z",
    origins: {
      "eu-1": {
        healthy: false,
        status: 503,
        rttMs: 12.5,
        error: "answered 503",
        consecutiveFailures: 3,
        consecutiveSuccesses: 0,
      },
    },
  },
} as const;

export type DocumentKind = keyof typeof VALID_DOCUMENTS;
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

/** Every path to a value inside `value` (the root included). */
function pathsOf(value: Json, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(value)) value.forEach((item, k) => out.push(...pathsOf(item, [...prefix, k])));
  else if (value !== null && typeof value === "object")
    for (const [key, item] of Object.entries(value)) out.push(...pathsOf(item, [...prefix, key]));
  return out;
}

type Mutation = { op: "replace" | "delete" | "add" | "wrap"; at: number; value: Json; key: string };

/** Applies one mutation at the path chosen by `at` (modulo the number of paths). */
function apply(root: Json, mutation: Mutation): Json {
  const paths = pathsOf(root);
  const path = paths[mutation.at % paths.length] ?? [];
  if (path.length === 0) return mutation.op === "wrap" ? [root] : mutation.value;
  let parent: Json = root;
  for (const key of path.slice(0, -1)) parent = (parent as Record<string | number, Json>)[key] ?? null;
  const last = path[path.length - 1] ?? "";
  if (parent === null || typeof parent !== "object") return root;
  const container = parent as Record<string | number, Json>;
  if (mutation.op === "replace") container[last] = mutation.value;
  else if (mutation.op === "delete") {
    if (Array.isArray(parent) && typeof last === "number") parent.splice(last, 1);
    else Reflect.deleteProperty(container, last);
  } else if (mutation.op === "add") {
    if (Array.isArray(parent)) parent.push(mutation.value);
    else container[mutation.key] = mutation.value;
  } else container[last] = [container[last] ?? null];
  return root;
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom("replace", "delete", "add", "wrap"),
  at: fc.nat(),
  value: fc.oneof(
    fc.jsonValue() as fc.Arbitrary<Json>,
    fc.constantFrom<Json>(
      -1,
      0,
      1e308,
      -0.5,
      Number.MAX_SAFE_INTEGER + 2,
      "",
      "ftp://x",
      "http://user:pw@h",
      "../../etc",
      "<script>",
      "__proto__",
      [],
      {},
    ),
  ),
  key: fc.oneof(
    fc.constantFrom("schemaVersion", "__proto__", "constructor", "toString", ""),
    fc.string({ maxLength: 8 }),
  ),
});

/** JSON text of a valid document (of `kind`, or any) with 1 to 3 random mutations, sometimes
 * cut short as a truncated write would leave it. */
export function mutatedJson(kind?: DocumentKind): fc.Arbitrary<string> {
  const kinds = kind ? fc.constant(kind) : fc.constantFrom<DocumentKind>("table", "weights", "health");
  return fc
    .record({
      kind: kinds,
      mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }),
      cut: fc.option(fc.nat(), { freq: 4 }),
    })
    .map(({ kind: chosen, mutations, cut }) => {
      let value = structuredClone(VALID_DOCUMENTS[chosen]) as unknown as Json;
      for (const m of mutations) value = apply(value, m);
      const text = JSON.stringify(value);
      return cut === null ? text : text.slice(0, cut % Math.max(1, text.length));
    });
}
