// The parser's case table against Debian's real Prometheus: every input is served by a stub
// target with its format's Content-Type and scraped; Prometheus's verdict (target up or down)
// must be the table's, except where the table records that Prometheus 2 decides otherwise (what
// Prometheus 3 changed). Readiness and scrapes are polled, bounded.
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXPOSITION_CASES } from "../../predictor/sources/exposition.cases.ts";
import type { TestPrometheus } from "../support/prometheus-server.ts";
import { pollUntil, scrapeJob, startPrometheus } from "../support/prometheus-server.ts";

type Target = { scrapePool: string; health: string; lastError: string };

let server: Server;
let prometheus: TestPrometheus;

beforeAll(async () => {
  server = createServer((req, res) => {
    const c = EXPOSITION_CASES[Number((req.url ?? "").split("/")[2])];
    if (!c) {
      res.statusCode = 404;
      res.end();
      return;
    }
    res.setHeader(
      "content-type",
      c.format === "openmetrics"
        ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
        : "text/plain; version=0.0.4; charset=utf-8",
    );
    res.end(typeof c.input === "string" ? Buffer.from(c.input) : Buffer.from(c.input));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  prometheus = await startPrometheus(
    EXPOSITION_CASES.map((_, i) => scrapeJob(`case${i}`, [host], `/case/${i}`)),
    2,
  );
}, 60_000);

afterAll(async () => {
  // Set-up may have stopped early (no prometheus installed): report only its own error.
  await (prometheus as TestPrometheus | undefined)?.cleanup();
  await new Promise((resolve) => server.close(resolve));
});

describe("the exposition case table against a real Prometheus scrape", () => {
  it("has every case decided by Prometheus as the table says", async () => {
    let targets: Target[] = [];
    await pollUntil("a scrape of every case", async () => {
      const body = (await (await fetch(`${prometheus.url}/api/v1/targets`)).json()) as {
        data: { activeTargets: Target[] };
      };
      targets = body.data.activeTargets;
      return targets.length === EXPOSITION_CASES.length && targets.every((t) => t.health !== "unknown");
    });
    const disagreements = targets.flatMap((t) => {
      const c = EXPOSITION_CASES[Number(t.scrapePool.slice("case".length))];
      if (!c) return [`unknown target ${t.scrapePool}`];
      const expected = c.prometheus2 ?? (c.error ? "refuses" : "accepts");
      const actual = t.health === "up" ? "accepts" : "refuses";
      return expected === actual ? [] : [`${c.source}: Prometheus ${actual} (${t.lastError})`];
    });
    expect(disagreements).toEqual([]);
    expect(EXPOSITION_CASES.filter((c) => c.prometheus2).length).toBe(12);
  }, 90_000);
});
