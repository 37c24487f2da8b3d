import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAdminPath } from "../../edge/http/admin-path.ts";
import { EdgeWorker } from "../edge/support/edge-worker.ts";
import { ASHBURN, FRANKFURT, originTable } from "../edge/support/tables.ts";
import { TestOrigin } from "../edge/support/test-origin.ts";
import { rawExchange } from "./support/raw-http.ts";

// Proxied traffic under generated hostile requests: paths, queries, methods, headers (hop-by-hop
// lists full of junk, forged edge headers, malformed geo, cookies and trace context) and bodies.
// The origins always answer 200, so any 5xx would be the edge's own failure; the only refusals
// allowed are the edge's deliberate 4xx. Every request that reaches an origin stays under its
// base path, and the stored table is never touched.

const SEED = 20_261_121;
let edge: EdgeWorker;
let eu: TestOrigin;
let us: TestOrigin;
let storedTable: string | null;

const printable = (maxLength: number) => fc.string({ unit: "grapheme-ascii", maxLength });
const METHODS = [
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "DELETE",
  "PATCH",
  "OPTIONS",
  "PURGE",
  "PROPFIND",
  "QUERY",
  "REPORT",
  "LOCK",
];
const headerName = fc.oneof(
  fc.constantFrom(
    "connection",
    "keep-alive",
    "te",
    "trailer",
    "upgrade",
    "proxy-authorization",
    "proxy-connection",
    "x-lb-geo",
    "x-lb-test-now",
    "x-lb-test-seed",
    "cf-connecting-ip",
    "x-forwarded-for",
    "x-forwarded-host",
    "x-forwarded-proto",
    "traceparent",
    "cookie",
    "x-user",
    "accept-encoding",
    "expect",
    "range",
    "if-none-match",
  ),
  fc.stringMatching(/^[a-z][a-z0-9-]{0,24}$/),
);
const headerValue = fc.oneof(
  printable(120),
  fc.constantFrom(
    "keep-alive, x-secret, , ,,",
    "close, te, upgrade",
    "x y z",
    "websocket",
    "48.86,2.35,FR",
    "91,181",
    "NaN,NaN",
    "1,2,3,4",
    "999999999999999999",
    "-1",
    "00-00000000000000000000000000000000-0000000000000000-00",
    "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    "lb_affinity=; lb_affinity=x",
    "bytes=0-1,5-9",
    "100-continue",
  ),
);
const segment = fc.oneof(
  fc.webSegment(),
  fc.constantFrom(
    "..",
    ".",
    "%2e%2e",
    "%2E",
    "%00",
    "%ff",
    "__lb",
    "%5f_lb",
    "%2f",
    "@",
    ":",
    ";x=1",
    "a%20b",
    "ü",
    "%",
  ),
);
const path = fc
  .tuple(fc.array(segment, { maxLength: 6 }), fc.option(fc.webQueryParameters(), { nil: undefined }))
  .map(([segments, query]) => `/${segments.join("/")}${query === undefined ? "" : `?${query}`}`);
const request = fc.record({
  method: fc.constantFrom(...METHODS),
  path,
  headers: fc.dictionary(headerName, headerValue, { maxKeys: 6 }),
  body: fc.option(fc.oneof(printable(500), fc.uint8Array({ maxLength: 2_000 })), { nil: undefined }),
});
type Generated = typeof request extends fc.Arbitrary<infer T> ? T : never;

/** Requests that fetch clients cannot send (undici rejects them before sending). */
function sendable(generated: Generated): boolean {
  const names = Object.keys(generated.headers);
  return !names.some((name) =>
    ["connection", "keep-alive", "te", "trailer", "upgrade", "expect", "proxy-connection"].includes(name),
  );
}

beforeAll(async () => {
  [edge, eu, us] = await Promise.all([
    EdgeWorker.start(),
    TestOrigin.start("fuzz-eu"),
    TestOrigin.start("fuzz-us"),
  ]);
  const table = originTable(
    1,
    [
      {
        name: "eu",
        location: FRANKFURT,
        countries: ["FR", "DE"],
        fallback: "us",
        origins: [{ origin: eu, basePath: "/eu-base" }],
      },
      { name: "us", location: ASHBURN, origins: [{ origin: us, basePath: "/us-base" }] },
    ],
    { affinity: { by: "cookie" } },
  );
  expect((await edge.admin("PUT", "/__lb/table", table)).status).toBe(200);
  storedTable = await (await edge.kv()).get("table");
});
afterAll(async () => {
  await Promise.all([edge.stop(), eu.stop(), us.stop()]);
});

describe("proxied traffic under generated hostile requests", () => {
  it("answers 640 of them without a 5xx, keeps every forwarded path under its base, and leaves the table alone", async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.array(request.filter(sendable), { minLength: 8, maxLength: 8 }), async (batch) => {
        const answers = await Promise.all(
          batch.map(async (generated) => {
            const method = generated.method.toUpperCase();
            const withBody = generated.body !== undefined && method !== "GET" && method !== "HEAD";
            const response = await edge.fetch({
              method: generated.method,
              path: generated.path,
              headers: generated.headers,
              ...(withBody && generated.body !== undefined ? { body: generated.body } : {}),
            });
            return { status: response.status, text: await response.text() };
          }),
        );
        answers.forEach((answer, k) => {
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          const sent = batch[k];
          expect(
            answer.status,
            `${sent?.method ?? ""} ${sent?.path ?? ""} ${JSON.stringify(sent?.headers)}: ${answer.text.slice(0, 200)}`,
          ).toBeLessThan(500);
          const pathname = new URL(`http://edge.test${sent?.path ?? "/"}`).pathname;
          // The admin space answers for itself (401 without a token); everything else is proxied.
          const allowed = isAdminPath(pathname) ? [200, 401, 404, 405] : [200, 206, 400, 405, 416];
          expect(allowed).toContain(answer.status);
        });
      }),
      { seed: SEED, numRuns: 80, endOnFailure: true },
    );
    for (const [origin, base] of [
      [eu, "/eu-base/"],
      [us, "/us-base/"],
    ] as const)
      for (const seen of origin.seen) expect(seen.url.startsWith(base), seen.url).toBe(true);
    expect((statuses.get(200) ?? 0) + (statuses.get(206) ?? 0)).toBeGreaterThan(480);
    expect(await (await edge.kv()).get("table")).toBe(storedTable);
  });
});

describe("hop-by-hop headers fetch clients refuse to send", () => {
  it.each([
    "connection: keep-alive, x y, ,, \u00e9t\u00e9, x-drop",
    "connection: upgrade\r\nupgrade: h2c, websocket/13 junk",
    "te: trailers, gzip;q=0.5\r\ntrailer: x-checksum",
    "proxy-connection: keep-alive\r\nkeep-alive: timeout=5, max=1000",
  ])("forwards a request carrying %j without failing", async (extra) => {
    const port = Number((await edge.mf.ready).port);
    const head = [
      "GET /raw/path HTTP/1.1",
      "host: edge.test",
      "x-lb-geo: 48.86,2.35,FR",
      "x-drop: 1",
      extra,
      "connection: close",
      "",
      "",
    ].join("\r\n");
    const answer = await rawExchange(port, head);
    expect(answer.status).toBe(200);
    const seen = eu.seen.at(-1);
    expect(seen?.url).toBe("/eu-base/raw/path");
    for (const name of ["te", "trailer", "proxy-connection", "keep-alive", "upgrade"])
      expect(seen?.headers[name]).toBeUndefined();
  });
});
