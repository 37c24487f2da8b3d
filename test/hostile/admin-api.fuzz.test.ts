import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_ADMIN_BODY_BYTES } from "../../edge/http/read-body.ts";
import { EdgeWorker, TEST_ADMIN_TOKEN } from "../edge/support/edge-worker.ts";
import { FRANKFURT, PARIS, originTable } from "../edge/support/tables.ts";
import { TestOrigin } from "../edge/support/test-origin.ts";
import { VALID_DOCUMENTS, mutatedJson } from "./support/mutations.ts";
import { rawExchange, sendUnendedBody } from "./support/raw-http.ts";

// The admin API under generated hostile requests (methods, paths, tokens, headers, bodies),
// through the real Worker in workerd. The stored documents carry the largest version there is,
// so no request, however well-formed, may replace them: every answer must be a 4xx or a 2xx
// read, never a 5xx, and KV must hold exactly what it held before.

const SEED = 20_261_121;
const TOP = Number.MAX_SAFE_INTEGER;
let edge: EdgeWorker;
let origin: TestOrigin;
let stored: { table: string | null; weights: string | null };

const ADMIN_PATHS = [
  "/__lb/healthz",
  "/__lb/table",
  "/__lb/weights",
  "/__lb/status",
  "/__lb/metrics",
  "/__lb/check",
  "/__lb",
  "/__lb/",
];
/** Every method the runtime's HTTP server hands to a Worker (any other gets workerd's own 501
 * before the Worker runs), less those fetch clients refuse to send (CONNECT, TRACE). */
const METHODS = [
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "DELETE",
  "PATCH",
  "PURGE",
  "OPTIONS",
  "COPY",
  "LOCK",
  "MKCOL",
  "MOVE",
  "PROPFIND",
  "PROPPATCH",
  "SEARCH",
  "UNLOCK",
  "ACL",
  "REPORT",
  "MKACTIVITY",
  "CHECKOUT",
  "MERGE",
  "NOTIFY",
  "SUBSCRIBE",
  "UNSUBSCRIBE",
  "QUERY",
  "get",
  "put",
  "post",
];
const printable = (maxLength: number) => fc.string({ unit: "grapheme-ascii", maxLength });

const method = fc.oneof(fc.constantFrom("GET", "PUT", "POST", "DELETE"), fc.constantFrom(...METHODS));
const path = fc.oneof(
  fc.constantFrom(
    ...ADMIN_PATHS,
    "/__lb/table/",
    "/__lb//table",
    "/__lb/%74able",
    "/__lb/table?version=1",
    "/__lb/./table",
    "/__lb/x/../table",
    "/__lb/TABLE",
    "/__lb/table;x",
    "/__lb/%00",
    "/__lb/%ff%fe",
  ),
  fc.tuple(fc.constantFrom(...ADMIN_PATHS), fc.webPath()).map(([prefix, rest]) => prefix + rest),
  fc
    .tuple(fc.constantFrom(...ADMIN_PATHS), fc.webQueryParameters())
    .map(([prefix, query]) => `${prefix}?${query}`),
);
const authorization = fc.oneof(
  fc.constant(null),
  fc.constant(`Bearer ${TEST_ADMIN_TOKEN}`),
  fc.constantFrom(
    `bearer ${TEST_ADMIN_TOKEN}`,
    `Bearer  ${TEST_ADMIN_TOKEN}`,
    `Bearer ${TEST_ADMIN_TOKEN}x`,
    `Bearer ${TEST_ADMIN_TOKEN.slice(0, -1)}`,
    `Basic ${btoa(`admin:${TEST_ADMIN_TOKEN}`)}`,
    "Bearer",
    TEST_ADMIN_TOKEN,
    `Bearer ${TEST_ADMIN_TOKEN},Bearer x`,
  ),
  printable(300),
);
const body = fc.oneof(
  fc.constant(undefined),
  mutatedJson(),
  fc.constantFrom(JSON.stringify(VALID_DOCUMENTS.table), JSON.stringify(VALID_DOCUMENTS.weights)),
  fc.json(),
  printable(2_000),
  fc.uint8Array({ maxLength: 600 }),
  fc.constant('{"version":1e400}'),
  fc.constant("[".repeat(10_000)),
);
const request = fc.record({
  method,
  path,
  authorization,
  body,
  contentType: fc.option(fc.oneof(fc.constant("application/json"), printable(60))),
  extra: fc.dictionary(fc.stringMatching(/^x-[a-z0-9-]{1,20}$/), printable(100), { maxKeys: 3 }),
});
type Generated = typeof request extends fc.Arbitrary<infer T> ? T : never;

async function send(
  generated: Generated,
): Promise<{ status: number; text: string; contentType: string | null }> {
  const headers: Record<string, string> = { ...generated.extra };
  if (generated.authorization !== null) headers.authorization = generated.authorization;
  if (generated.contentType !== null) headers["content-type"] = generated.contentType;
  const methodUpper = generated.method.toUpperCase();
  const withBody = generated.body !== undefined && methodUpper !== "GET" && methodUpper !== "HEAD";
  const response = await edge.fetch({
    method: generated.method,
    path: generated.path,
    headers,
    ...(withBody && generated.body !== undefined ? { body: generated.body } : {}),
  });
  return {
    status: response.status,
    text: await response.text(),
    contentType: response.headers.get("content-type"),
  };
}

beforeAll(async () => {
  [edge, origin] = await Promise.all([EdgeWorker.start(), TestOrigin.start("fuzz-admin")]);
  const table = originTable(TOP, [{ name: "eu", location: FRANKFURT, origins: [{ origin }] }]);
  expect((await edge.admin("PUT", "/__lb/table", table)).status).toBe(200);
  expect(
    (
      await edge.admin("PUT", "/__lb/weights", {
        version: TOP,
        updatedAt: new Date().toISOString(),
        expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
        factors: { "fuzz-admin": 1 },
      })
    ).status,
  ).toBe(200);
  const kv = await edge.kv();
  stored = { table: await kv.get("table"), weights: await kv.get("weights") };
});
afterAll(async () => {
  await Promise.all([edge.stop(), origin.stop()]);
});

async function storedNow(): Promise<{ table: string | null; weights: string | null }> {
  const kv = await edge.kv();
  return { table: await kv.get("table"), weights: await kv.get("weights") };
}

describe("the admin API under generated hostile requests", () => {
  it("answers 1,000 of them without a 5xx, with a JSON error for every refusal, and never changes a stored document", async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.array(request, { minLength: 8, maxLength: 8 }), async (batch) => {
        const answers = await Promise.all(batch.map(send));
        answers.forEach((answer, k) => {
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          const sent = batch[k];
          expect(answer.status, `${sent?.method ?? ""} ${sent?.path ?? ""}`).toBeLessThan(500);
          if (answer.status >= 400 && sent?.method.toUpperCase() !== "HEAD") {
            expect(answer.contentType).toContain("application/json");
            expect(JSON.parse(answer.text)).toEqual(
              expect.objectContaining({ error: expect.any(String) as string }),
            );
          }
        });
      }),
      { seed: SEED, numRuns: 125, endOnFailure: true },
    );
    expect(await storedNow()).toEqual(stored);
    // Every kind of refusal was exercised, and the generated valid tokens got through.
    for (const status of [200, 400, 401, 404, 405, 409])
      expect(statuses.get(status) ?? 0, `answers with status ${status}`).toBeGreaterThan(0);
    expect((await edge.text({ geo: PARIS })).status).toBe(200);
  });
});

describe("the admin API's body limit", () => {
  const port = async (): Promise<number> => Number((await edge.mf.ready).port);

  it("answers 413 to a body declared larger than 1 MiB, before reading any of it", async () => {
    const head = [
      "PUT /__lb/table HTTP/1.1",
      "host: edge.test",
      `authorization: Bearer ${TEST_ADMIN_TOKEN}`,
      `content-length: ${MAX_ADMIN_BODY_BYTES + 1}`,
      "",
      "",
    ].join("\r\n");
    const answer = await rawExchange(await port(), head);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toEqual({
      error: expect.stringContaining(`larger than ${MAX_ADMIN_BODY_BYTES} bytes`) as string,
    });
  });

  it("answers 413 to an unsized (chunked) body once it passes 1 MiB, without waiting for its end", async () => {
    const status = await sendUnendedBody(
      await port(),
      "PUT",
      "/__lb/weights",
      { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      MAX_ADMIN_BODY_BYTES + 64 * 1024,
    );
    expect(status).toBe(413);
  });

  it("reads a body of exactly 1 MiB", async () => {
    const text = JSON.stringify(originTable(5, [{ name: "eu", location: FRANKFURT, origins: [{ origin }] }]));
    const padded = text + " ".repeat(MAX_ADMIN_BODY_BYTES - text.length);
    const answer = await edge.admin("PUT", "/__lb/table", padded);
    expect(answer.status).toBe(409);
  });

  it("answers 401, not 413, to an oversized body without the token, before reading it, and keeps every document", async () => {
    const head = [
      "PUT /__lb/table HTTP/1.1",
      "host: edge.test",
      `content-length: ${4 * MAX_ADMIN_BODY_BYTES}`,
      "",
      "",
    ].join("\r\n");
    expect((await rawExchange(await port(), head)).status).toBe(401);
    expect(await sendUnendedBody(await port(), "PUT", "/__lb/table", {}, 64 * 1024)).toBe(401);
    expect(await storedNow()).toEqual(stored);
  });

  it("reports at most 100 issues of a document with thousands, and says how many there were", async () => {
    const broken = {
      ...originTable(TOP, [{ name: "eu", location: FRANKFURT, origins: [{ origin }] }]),
      pools: Array.from({ length: 200 }, () => ({
        name: "BAD NAME",
        location: { lat: 91, lon: 181 },
        origins: [],
      })),
    };
    const answer = await edge.admin("PUT", "/__lb/table", broken);
    expect(answer.status).toBe(400);
    const issues = (answer.body as { error: string; issues: unknown[] }).issues;
    expect(issues).toHaveLength(100);
    expect((answer.body as { error: string }).error).toMatch(/the first 100 of \d{3,} issues/);
  });
});
