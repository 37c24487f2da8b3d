import type { Server } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** One stored row of the dataset: the columns the edge's data point fills, plus sampling. */
export type StoredRow = {
  /** Epoch ms the Worker wrote the point. */
  timestamp: number;
  index1: string;
  blob3: string;
  double1: number;
  _sample_interval: number;
};

/** What the stand-in received of one query. */
export type ReceivedQuery = {
  method: string;
  path: string;
  authorization: string;
  contentType: string;
  sql: string;
};

/**
 * A stand-in for Cloudflare's Analytics Engine SQL API on loopback, answering as Cloudflare
 * documents it: `POST /client/v4/accounts/<account>/analytics_engine/sql`, the SQL as the body,
 * `Authorization: Bearer <token>`; a refused token gets the API's JSON error envelope; a query
 * on a dataset it does not hold is refused; an answer is ClickHouse's FORMAT JSON (meta, data,
 * rows, rows_before_limit_at_least; 64-bit integers quoted). It evaluates the one query shape
 * the predictor sends (per-origin, per-step sums and weighted p95 over a time range) over its
 * stored rows, and keeps every query it received.
 */
export class AnalyticsEngineApi {
  readonly received: ReceivedQuery[] = [];
  readonly datasets = new Map<string, StoredRow[]>();
  private readonly server: Server;
  url = "";

  constructor(
    readonly account: string,
    readonly token: string,
  ) {
    this.server = createServer((request, response) => {
      let body = "";
      request.setEncoding("utf8");
      request.on("data", (chunk: string) => (body += chunk));
      request.on("end", () => {
        const received = {
          method: request.method ?? "",
          path: request.url ?? "",
          authorization: request.headers.authorization ?? "",
          contentType: request.headers["content-type"] ?? "",
          sql: body,
        };
        this.received.push(received);
        const answer = this.answer(received);
        response.writeHead(answer.status, { "content-type": answer.type });
        response.end(answer.body);
      });
    });
  }

  /** Listens on a free loopback port; `url` is then the API base (…/client/v4). */
  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/client/v4`;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server.close(resolve));
  }

  private answer(query: ReceivedQuery): { status: number; type: string; body: string } {
    const json = (status: number, value: unknown) => ({
      status,
      type: "application/json",
      body: JSON.stringify(value),
    });
    if (query.method !== "POST" || query.path !== `/client/v4/accounts/${this.account}/analytics_engine/sql`)
      return json(404, { success: false, errors: [{ code: 7003, message: "No route for that URI" }] });
    if (query.authorization !== `Bearer ${this.token}`)
      return json(403, { success: false, errors: [{ code: 10000, message: "Authentication error" }] });
    const shape =
      /^SELECT index1 AS origin,\n {2}intDiv\(toUInt32\(timestamp\), (\d+)\) \* \1 AS t,\n {2}sum\(_sample_interval\) AS requests,\n {2}sum\(if\(blob3 = '5xx', _sample_interval, 0\)\) AS errors,\n {2}quantileWeighted\(0\.95, double1, _sample_interval\) AS p95_ms\nFROM (\w+)\nWHERE timestamp >= toDateTime\('([\d-]+ [\d:]+)'\) AND timestamp < toDateTime\('([\d-]+ [\d:]+)'\)\n {2}AND index1 != '\(edge\)'\nGROUP BY origin, t\nORDER BY t, origin\nFORMAT JSON$/.exec(
        query.sql,
      );
    if (!shape)
      return { status: 422, type: "text/plain", body: "this stand-in answers only the predictor's query" };
    const [, step = "60", dataset = "", from = "", to = ""] = shape;
    const rows = this.datasets.get(dataset);
    if (!rows) return { status: 422, type: "text/plain", body: `unknown table: ${dataset}` };
    const fromMs = Date.parse(`${from.replace(" ", "T")}Z`);
    const toMs = Date.parse(`${to.replace(" ", "T")}Z`);
    const stepSeconds = Number(step);
    const groups = new Map<string, StoredRow[]>();
    for (const row of rows) {
      if (row.timestamp < fromMs || row.timestamp >= toMs || row.index1 === "(edge)") continue;
      const t = Math.floor(row.timestamp / 1000 / stepSeconds) * stepSeconds;
      const key = `${t}\u0000${row.index1}`;
      const group = groups.get(key) ?? [];
      group.push(row);
      groups.set(key, group);
    }
    const data = [...groups.entries()]
      .map(([key, group]) => {
        const [t = "0", origin = ""] = key.split("\u0000");
        const weight = (list: StoredRow[]) => list.reduce((sum, r) => sum + r._sample_interval, 0);
        return {
          origin,
          t: Number(t),
          requests: String(weight(group)),
          errors: String(weight(group.filter((r) => r.blob3 === "5xx"))),
          p95_ms: quantileWeighted(0.95, group),
        };
      })
      .sort((a, b) => a.t - b.t || a.origin.localeCompare(b.origin));
    return json(200, {
      meta: [
        { name: "origin", type: "String" },
        { name: "t", type: "UInt32" },
        { name: "requests", type: "UInt64" },
        { name: "errors", type: "UInt64" },
        { name: "p95_ms", type: "Float64" },
      ],
      data,
      rows: data.length,
      rows_before_limit_at_least: data.length,
    });
  }
}

/** ClickHouse's quantileWeighted: the smallest value whose cumulative weight reaches q of the total. */
function quantileWeighted(q: number, rows: StoredRow[]): number {
  const sorted = [...rows].sort((a, b) => a.double1 - b.double1);
  const total = sorted.reduce((sum, r) => sum + r._sample_interval, 0);
  let running = 0;
  for (const row of sorted) {
    running += row._sample_interval;
    if (running >= q * total) return row.double1;
  }
  return sorted[sorted.length - 1]?.double1 ?? Number.NaN;
}
