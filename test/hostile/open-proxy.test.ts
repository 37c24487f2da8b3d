import { createServer as createHttpServer } from "node:http";
import type { Server } from "node:net";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OriginTable } from "../../contracts/origin-table.ts";
import { EdgeWorker } from "../edge/support/edge-worker.ts";
import { FRANKFURT, PARIS, originTable } from "../edge/support/tables.ts";
import { TestOrigin } from "../edge/support/test-origin.ts";
import { rawExchange } from "./support/raw-http.ts";

// No open proxy, no SSRF: whatever a client puts in the request line or the headers, the Worker
// only ever connects to the origins of its table, under their base paths. Requests go over raw
// sockets to workerd's own HTTP server, so nothing is normalised by a client library first.

let edge: EdgeWorker;
let origin: TestOrigin;
let port: number;
/** A server that is not in any table: no connection may ever reach it. */
let bystander: Server;
let bystanderPort: number;
let bystanderConnections = 0;
let version = 0;
const T0 = Date.UTC(2026, 0, 1);

const tableFor = (basePath: string) =>
  originTable(++version, [{ name: "eu", location: FRANKFURT, origins: [{ origin, basePath }] }]);
/** A table whose one origin has exactly this URL (valid or not). */
const tableWithUrl = (id: string, url: string): OriginTable => ({
  version: ++version,
  updatedAt: new Date(T0).toISOString(),
  pools: [{ name: "eu", location: FRANKFURT, origins: [{ id, url, weight: 100 }] }],
});

function get(target: string, headers: Record<string, string> = {}, method = "GET") {
  const lines = [
    `${method} ${target} HTTP/1.1`,
    ...Object.entries({
      host: "edge.test",
      "x-lb-geo": PARIS,
      "x-lb-test-now": String(T0),
      connection: "close",
      ...headers,
    }).map(([name, value]) => `${name}: ${value}`),
    "",
    "",
  ];
  return rawExchange(port, lines.join("\r\n"));
}

const lastSeen = () => origin.seen.at(-1);

beforeAll(async () => {
  [edge, origin] = await Promise.all([EdgeWorker.start(), TestOrigin.start("ssrf-origin")]);
  port = Number((await edge.mf.ready).port);
  bystander = createServer((socket) => {
    bystanderConnections++;
    socket.end("HTTP/1.1 200 OK\r\ncontent-length: 6\r\nconnection: close\r\n\r\nstolen");
  });
  await new Promise<void>((resolve) => bystander.listen(0, "127.0.0.1", resolve));
  bystanderPort = (bystander.address() as AddressInfo).port;
  expect((await edge.admin("PUT", "/__lb/table", tableFor("/base"), T0)).status).toBe(200);
});
afterAll(async () => {
  await Promise.all([edge.stop(), origin.stop(), new Promise((resolve) => bystander.close(resolve))]);
  expect(bystanderConnections).toBe(0);
});

describe("no open proxy", () => {
  it("never sends an absolute-form request for another host to that host", async () => {
    const hitsBefore = origin.hits;
    const answer = await get(`http://127.0.0.1:${bystanderPort}/steal?x=1`, {
      host: `127.0.0.1:${bystanderPort}`,
    });
    expect(answer.body).not.toContain("stolen");
    if (answer.status === 200) {
      // Confined: the configured origin answered, under its base path.
      expect(answer.head).toMatch(/x-lb-origin: ssrf-origin/i);
      expect(lastSeen()?.url).toBe("/base/steal?x=1");
    } else {
      // Refused: workerd's HTTP server rejects absolute-form targets before any Worker runs.
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(origin.hits).toBe(hitsBefore);
    }
    expect(bystanderConnections).toBe(0);
  });

  it("opens no tunnel for CONNECT and echoes nothing for TRACE", async () => {
    const hitsBefore = origin.hits;
    const tunnel = await get(`127.0.0.1:${bystanderPort}`, { host: `127.0.0.1:${bystanderPort}` }, "CONNECT");
    expect(tunnel.status === 0 || tunnel.status >= 400).toBe(true);
    const trace = await get("/anything", { authorization: "Bearer the-clients-own" }, "TRACE");
    expect(trace.status).toBe(405);
    expect(origin.hits).toBe(hitsBefore);
    expect(bystanderConnections).toBe(0);
  });

  it("keeps a //host path on the configured origin", async () => {
    const answer = await get(`//127.0.0.1:${bystanderPort}/x`);
    expect(answer.status).toBe(200);
    expect(lastSeen()?.url).toBe(`/base//127.0.0.1:${bystanderPort}/x`);
    expect(bystanderConnections).toBe(0);
  });

  it("ignores a forged Host and replaces a forged x-forwarded-host", async () => {
    const answer = await get("/page", {
      host: `127.0.0.1:${bystanderPort}`,
      "x-forwarded-host": "evil.example",
    });
    expect(answer.status).toBe(200);
    const seen = lastSeen();
    expect(seen?.url).toBe("/base/page");
    expect(seen?.headers.host).toBe(`127.0.0.1:${origin.port}`);
    expect(seen?.headers["x-forwarded-host"]).not.toBe("evil.example");
    expect(bystanderConnections).toBe(0);
  });

  it("never follows an origin's redirect to another host: the client gets the redirect", async () => {
    const redirector = createHttpServer((_request, response) =>
      response.writeHead(302, { location: `http://127.0.0.1:${bystanderPort}/internal` }).end(),
    );
    await new Promise<void>((resolve) => redirector.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}`;
      expect((await edge.admin("PUT", "/__lb/table", tableWithUrl("redirector", url), T0)).status).toBe(200);
      const answer = await get("/login");
      expect(answer.status).toBe(302);
      expect(answer.head).toMatch(new RegExp(`location: http://127.0.0.1:${bystanderPort}/internal`, "i"));
      expect(bystanderConnections).toBe(0);
    } finally {
      expect((await edge.admin("PUT", "/__lb/table", tableFor("/base"), T0)).status).toBe(200);
      await new Promise((resolve) => redirector.close(resolve));
    }
  });
});

describe("confined to the origin's base path", () => {
  it.each([
    ["/a/../../../etc/passwd", "/base/etc/passwd"],
    ["/%2e%2e/%2e%2e/admin", "/base/admin"],
    ["/.%2E/./admin?q=1", "/base/admin?q=1"],
    ["/a/%2e%2E/b", "/base/b"],
  ])("resolves %s under the base path (%s)", async (target, seen) => {
    expect((await get(target)).status).toBe(200);
    expect(lastSeen()?.url).toBe(seen);
  });

  it.each(["/..%2fadmin", "/x/%2e%2e%2f%2e%2e%2fadmin", "/x/..%5C..%5Cadmin", "/.%2e%2fadmin"])(
    "refuses %s, which an origin that decodes an encoded slash would resolve above the base path",
    async (target) => {
      const hitsBefore = origin.hits;
      const answer = await get(target);
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body)).toEqual({
        error: expect.stringContaining("encoded dot segment") as string,
      });
      expect(origin.hits).toBe(hitsBefore);
    },
  );
});

describe("a table that names something other than an http(s) origin", () => {
  const urls = [
    "file:///etc/passwd",
    "gopher://127.0.0.1:6379/_FLUSHALL",
    "ftp://127.0.0.1/",
    "javascript:alert(1)",
    "http://user:secret@127.0.0.1/",
    "http://127.0.0.1:9/?redirect=http://evil.example",
    "data:text/plain,x",
  ];

  it.each(urls)("is refused through the admin API (%s)", async (url) => {
    const answer = await edge.admin("PUT", "/__lb/table", tableWithUrl("bad", url), T0);
    expect(answer.status).toBe(400);
    expect((answer.body as { issues: { path: string }[] }).issues.map((issue) => issue.path)).toContain(
      "pools[0].origins[0].url",
    );
  });

  it("is not adopted when written straight to KV: traffic stays on the last valid table", async () => {
    const kv = await edge.kv();
    await kv.put("table", JSON.stringify(tableWithUrl("bad", `gopher://127.0.0.1:${bystanderPort}/_x`)));
    const answer = await edge.text({ geo: PARIS, now: T0 + 60_000, path: "/after" });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("x-lb-origin")).toBe("ssrf-origin");
    expect(lastSeen()?.url).toBe("/base/after");
    expect(bystanderConnections).toBe(0);
  });
});
