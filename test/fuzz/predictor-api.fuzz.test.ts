// Thousands of generated requests against the predictor's HTTP API, served by a real predictor
// process: odd methods, raw paths, query strings, headers and bodies never get a 5xx or crash it;
// malformed SLO writes get 400 with issues and leave the stored SLO as it was; bodies over the
// limit get 413. Seeded: a failure repeats, shrunk.
import http from "node:http";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Slo } from "../../contracts/index.ts";
import { encodeSeriesMember, parseJsonText, redisKeys, validateSlo } from "../../contracts/index.ts";
import { forecastOf, sloOf } from "../../scaler/policy/policy-fixtures.ts";
import type { ServiceProcess } from "../faults/support/service-process.ts";
import { startService } from "../faults/support/service-process.ts";
import type { TestRedis } from "../support/redis.ts";
import { openTestRedis } from "../support/redis.ts";
import type { RawAnswer, RawRequest } from "./support/raw-http.ts";
import { sendRaw } from "./support/raw-http.ts";

const SEED = 424_242;
const TOKEN = "fuzz-admin-token-0123456789abcdef";
/** The predictor's request body limit (predictor/main.ts). */
const LIMIT = 64 * 1024;
const SLO: Slo = sloOf("eu");

let test: TestRedis;
let predictor: ServiceProcess;
let base: string;
const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

const slosNow = () => test.redis.hgetall(redisKeys(test.prefix).slos);
const eventsNow = () => test.redis.hgetall(redisKeys(test.prefix).events);

beforeAll(async () => {
  test = await openTestRedis("fuzz-api");
  const keys = redisKeys(test.prefix);
  const now = Date.now();
  await test.redis.hset(keys.slos, "eu", JSON.stringify(SLO));
  await test.redis.hset(
    keys.events,
    "launch",
    JSON.stringify({
      id: "launch",
      pool: "eu",
      start: new Date(now + 3600_000).toISOString(),
      end: new Date(now + 7200_000).toISOString(),
      expectedRps: 500,
    }),
  );
  await test.redis.zadd(keys.series("eu-1", "rps"), now, encodeSeriesMember(now - (now % 60_000), 12));
  await test.redis.sadd(keys.seriesIndex, "eu-1/rps");
  await test.redis.set(
    keys.forecast("eu-1", "rps"),
    JSON.stringify(forecastOf("eu-1", now, 60, 15, () => 100)),
  );
  await test.redis.sadd(keys.forecastIndex, "eu-1/rps");
  await test.redis.xadd(
    keys.decisions,
    "*",
    "decision",
    JSON.stringify({
      id: "d1",
      at: new Date(now).toISOString(),
      pool: "eu",
      mode: "act",
      action: "hold",
      reason: "fixture",
      applied: false,
    }),
  );
  await test.redis.xadd(keys.decisions, "*", "decision", "{not json");
  predictor = startService(
    "predictor/main.ts",
    ["--redis", test.url, "--prefix", test.prefix, "--roles", "api", "--port", "0", "--admin-token", TOKEN],
    {},
  );
  [, base = ""] = await predictor.waitFor(/API on (http:\/\/[^/\s]+)\/api\//, 60_000);
}, 90_000);

afterAll(async () => {
  agent.destroy();
  await predictor.kill("SIGTERM");
  await test.cleanup();
});

/** Sends a case; a connection the server closed after refusing the request counts as refused. */
async function send(request: RawRequest): Promise<RawAnswer> {
  return sendRaw(base, request, agent);
}

/** Our own errors are JSON `{ error }`; a 5xx is never acceptable, but for the one answer that
 * does not depend on the request: the Worker's pages on a predictor started without an edge. */
function expectNoServerError(answer: RawAnswer, request: RawRequest): void {
  const unconfigured =
    answer.status === 503 &&
    new URL(request.path, "http://x").pathname.startsWith("/api/edge/") &&
    answer.body.includes("no edge is configured");
  if (unconfigured) return;
  expect(
    answer.status,
    `${request.method} ${request.path} -> ${answer.status} ${answer.body.slice(0, 200)}`,
  ).toBeLessThan(500);
  if (
    answer.status >= 400 &&
    request.method !== "HEAD" &&
    String(answer.headers["content-type"]).includes("json")
  ) {
    expect(typeof (JSON.parse(answer.body) as { error?: unknown }).error).toBe("string");
  }
}

const pathChar = /^[A-Za-z0-9._~!$&'()*+,;=:@-]{1,12}$/;
const segment = fc.oneof(
  fc.constantFrom(
    "api",
    "series",
    "forecasts",
    "slos",
    "events",
    "launch",
    "decisions",
    "scrape-errors",
    "healthz",
    "info",
    "capacity",
    "forecast-history",
    "edge",
    "status",
    "table",
    "eu",
    "EU",
    "..",
    ".",
    "",
    "%2e%2e",
    "%2F",
    "%00",
    "%zz",
    "%",
    "%E0%A4%A",
    "index.html",
    "%F0%9F%92%A5",
  ),
  fc.stringMatching(pathChar),
  fc
    .array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 4 })
    .map((bytes) => bytes.map((b) => `%${b.toString(16).padStart(2, "0")}`).join("")),
);
const queryValue = fc.oneof(
  fc.constantFrom(
    "eu-1",
    "rps",
    "p95_ms",
    "-1",
    "0",
    "1e309",
    "NaN",
    "0x10",
    "99999999999999999999",
    "%zz",
    "",
    "eu",
    "2026-01-01T00:00:00Z",
    "act",
    "scale-out",
  ),
  fc.stringMatching(pathChar),
  fc.integer().map(String),
);
const queryKey = fc.oneof(
  fc.constantFrom(
    "origin",
    "metric",
    "minutes",
    "limit",
    "pool",
    "from",
    "to",
    "until",
    "action",
    "mode",
    "since",
    "",
    "origin[]",
  ),
  fc.stringMatching(pathChar),
);
const query = fc
  .array(fc.tuple(queryKey, queryValue), { maxLength: 5 })
  .map((pairs) => (pairs.length > 0 ? `?${pairs.map(([k, v]) => `${k}=${v}`).join("&")}` : ""));
const route = fc.constantFrom(
  "/api/healthz",
  "/api/series",
  "/api/forecasts",
  "/api/slos",
  "/api/slos/eu",
  "/api/events",
  "/api/events/launch",
  "/api/decisions",
  "/api/scrape-errors",
  "/api/info",
  "/api/capacity",
  "/api/forecast-history",
  "/api/edge/status",
  "/api/edge/table",
  "/",
  "/index.html",
  "/api/",
);
const path = fc.oneof(
  fc.tuple(route, query).map(([r, q]) => `${r}${q}`),
  fc
    .tuple(fc.nat(9), fc.array(segment, { maxLength: 6 }), query)
    .map(([lead, segments, q]) => `/${(lead < 8 ? ["api", ...segments] : segments).join("/")}${q}`),
);
const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,40}$/);
const authorization = fc.oneof(
  headerValue,
  fc.constantFrom(
    "Bearer",
    "Bearer ",
    `Bearer ${TOKEN.slice(0, -1)}`,
    `Bearer ${TOKEN}x`,
    `Bearer ${TOKEN.toUpperCase()}`,
    `Basic ${Buffer.from(`admin:${TOKEN}`).toString("base64")}`,
    `Token ${TOKEN}`,
  ),
  headerValue.map((v) => `Bearer ${v}`),
);
const headers = fc
  .record(
    {
      authorization: fc.option(authorization, { nil: undefined }),
      "content-type": fc.option(
        fc.oneof(
          fc.constantFrom(
            "application/json",
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "application/json; charset=utf-16",
          ),
          headerValue,
        ),
        { nil: undefined },
      ),
      host: fc.option(
        fc.oneof(
          fc.constantFrom("a b", "[::1", "x/y", "evil.example:99999", "", "127.0.0.1:1", "%00"),
          headerValue,
        ),
        { nil: undefined },
      ),
      accept: fc.option(headerValue, { nil: undefined }),
      "x-forwarded-for": fc.option(headerValue, { nil: undefined }),
      cookie: fc.option(headerValue, { nil: undefined }),
    },
    { requiredKeys: [] },
  )
  .map((record) =>
    Object.fromEntries(
      Object.entries(record).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
    ),
  );
const method = fc.constantFrom(
  "GET",
  "GET",
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "PUT",
  "DELETE",
  "PATCH",
  "OPTIONS",
  "TRACE",
  "PROPFIND",
  "FOO",
  "M-SEARCH",
);
const body = fc.oneof(
  fc.constant(undefined),
  fc.string({ maxLength: 300 }),
  fc.json({ maxDepth: 3 }),
  fc.uint8Array({ maxLength: 300 }),
  fc.constant(JSON.stringify(SLO)),
);
const anyRequest = fc.record({ method, path, headers, body, chunked: fc.boolean() }).map((r): RawRequest => ({
  method: r.method,
  path: r.path,
  headers: r.headers,
  chunked: r.chunked,
  ...(r.body !== undefined ? { body: r.body } : {}),
}));

/** A malformed SLO body: the valid one with a field removed, retyped or pushed out of range,
 * extra fields, a pool that disagrees, deep or huge values, or text that is not JSON at all. */
const junk = fc.oneof(
  fc.constantFrom(null, true, -1, 0, 1.5, Number.POSITIVE_INFINITY, "", "act", [], {}, Number.NaN),
  fc.string({ maxLength: 30 }),
  fc.double(),
  fc.integer(),
  fc.jsonValue({ maxDepth: 3 }),
);
const sloField = fc.constantFrom(
  "pool",
  "mode",
  "targetUtilization",
  "p95LatencyMs",
  "maxErrorRate",
  "leadSeconds",
  "scaleInCooldownSeconds",
  "__proto__",
  "constructor",
  "extra",
);
const malformedSlo = fc.oneof(
  fc.tuple(sloField, junk).map(([field, value]) => JSON.stringify({ ...SLO, [field]: value })),
  fc
    .tuple(sloField, junk)
    .map(([field, value]) => JSON.stringify({ ...SLO, [field]: value }).replace(`"${field}"`, `"__proto__"`)),
  sloField.map((field) =>
    JSON.stringify(Object.fromEntries(Object.entries(SLO).filter(([k]) => k !== field))),
  ),
  fc.dictionary(sloField, junk).map((record) => JSON.stringify(record)),
  fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
  fc.tuple(fc.nat(), fc.string({ maxLength: 5 })).map(([at, insert]) => {
    const text = JSON.stringify(SLO);
    const i = at % text.length;
    return text.slice(0, i) + insert + text.slice(i + 1);
  }),
  fc.string({ maxLength: 200 }),
  fc.constantFrom(
    "",
    " ",
    "\uFEFF{}",
    "null",
    "[]",
    '{"pool":"eu"',
    `${JSON.stringify(SLO)}x`,
    `${JSON.stringify(SLO)}${JSON.stringify(SLO)}`,
    "{".repeat(5000),
    `{"pool":"eu","mode":"act","targetUtilization":${"9".repeat(400)}}`,
  ),
);
const poolInPath = fc.oneof(
  fc.constant("eu"),
  fc.constant("eu"),
  fc.constantFrom("EU", "e%75", "eu%2F..", "..", "-eu", "a".repeat(64), "us"),
  fc.stringMatching(pathChar),
);

describe("the predictor API under hostile requests", () => {
  it("never answers thousands of odd requests with a 5xx, and changes no stored SLO or event without the token", async () => {
    const before = await slosNow();
    const eventsBefore = await eventsNow();
    await fc.assert(
      fc.asyncProperty(anyRequest, async (request) => {
        expectNoServerError(await send(request), request);
      }),
      { seed: SEED, numRuns: 2_500 },
    );
    expect(await slosNow()).toEqual(before);
    expect(await eventsNow()).toEqual(eventsBefore);
    expect(predictor.running()).toBe(true);
    expect(predictor.output()).not.toMatch(/HTTP error/);
  }, 300_000);

  it("answers thousands of malformed SLO writes with 400 and every issue, leaving the stored SLO unchanged", async () => {
    const keys = redisKeys(test.prefix);
    await fc.assert(
      fc.asyncProperty(malformedSlo, poolInPath, fc.boolean(), async (text, pool, chunked) => {
        const before = await slosNow();
        const request: RawRequest = {
          method: "PUT",
          path: `/api/slos/${pool}`,
          headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
          body: text,
          chunked,
        };
        const answer = await send(request);
        expectNoServerError(answer, request);
        // The server sees the path as URL parsing leaves it (`..` and `%2e%2e` resolved).
        const routed = /^\/api\/slos\/([^/]+)$/.exec(new URL(request.path, "http://x").pathname);
        if (!routed) {
          // `/api/slos/.` is `/api/slos/`, the list, which takes GET only.
          expect(answer.status).toBe(
            /^\/api\/slos\/?$/.test(new URL(request.path, "http://x").pathname) ? 405 : 404,
          );
          expect(await slosNow()).toEqual(before);
          return;
        }
        const parsed = parseJsonText(text);
        const valid = parsed.ok ? validateSlo(parsed.value, routed[1] ?? "") : parsed;
        if (valid.ok) {
          // The rare generated body that is a valid SLO is stored as validated; put the old one back.
          expect(answer.status).toBe(200);
          expect(JSON.parse((await test.redis.hget(keys.slos, valid.value.pool)) ?? "null")).toEqual(
            valid.value,
          );
          await test.redis.del(keys.slos);
          if (Object.keys(before).length > 0) await test.redis.hset(keys.slos, before);
          return;
        }
        expect(answer.status).toBe(400);
        const issues =
          (JSON.parse(answer.body) as { issues?: { path: string; message: string }[] }).issues ?? [];
        expect(issues.length).toBeGreaterThan(0);
        for (const issue of issues) expect(typeof issue.message).toBe("string");
        expect(await slosNow()).toEqual(before);
      }),
      { seed: SEED, numRuns: 3_000 },
    );
    expect(await test.redis.hget(keys.slos, "eu")).toBe(JSON.stringify(SLO));
    expect(predictor.running()).toBe(true);
  }, 300_000);

  it("refuses bodies over the limit with 413, whether announced or streamed, on any route", async () => {
    const keys = redisKeys(test.prefix);
    // One connection per request: a server may close one whose body it refused to read.
    const fresh = new http.Agent({ keepAlive: false });
    const send = (request: RawRequest) => sendRaw(base, request, fresh);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: LIMIT + 1, max: 4 * LIMIT }),
        fc.boolean(),
        fc.constantFrom("/api/slos/eu", "/api/series", "/api/nothing", "/"),
        async (size, chunked, target) => {
          const padded = JSON.stringify({ ...SLO, pad: "x".repeat(size) }).slice(0, size);
          const answer = await send({
            method: "PUT",
            path: target,
            headers: { authorization: `Bearer ${TOKEN}` },
            body: padded,
            chunked,
          });
          if (target === "/api/slos/eu" || !chunked) expect(answer.status).toBe(413);
          else expect(answer.status).toBeLessThan(500);
        },
      ),
      { seed: SEED, numRuns: 40 },
    );
    // At the limit exactly, a valid SLO (padded with spaces) is accepted.
    const exact = JSON.stringify({ ...SLO, targetUtilization: 0.65 }).padEnd(LIMIT, " ");
    for (const chunked of [false, true])
      expect(
        (
          await send({
            method: "PUT",
            path: "/api/slos/eu",
            headers: { authorization: `Bearer ${TOKEN}` },
            body: exact,
            chunked,
          })
        ).status,
      ).toBe(200);
    expect(JSON.parse((await test.redis.hget(keys.slos, "eu")) ?? "null")).toMatchObject({
      targetUtilization: 0.65,
    });
    await test.redis.hset(keys.slos, "eu", JSON.stringify(SLO));
  }, 120_000);
});
