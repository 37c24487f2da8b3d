import type { Server } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** A stand-in for the Worker's admin API: `GET /__lb/status` and `GET /__lb/table` with its bearer
 * token, answering whatever documents the test sets; it records the Authorization headers seen. */
export type FakeEdge = {
  url: string;
  status: unknown;
  table: unknown;
  authorizations: string[];
  close(): Promise<void>;
};

export async function startFakeEdge(token: string, status: unknown, table: unknown): Promise<FakeEdge> {
  const edge = { status, table, authorizations: [] as string[] };
  const server: Server = createServer((req, res) => {
    edge.authorizations.push(req.headers.authorization ?? "");
    const send = (code: number, body: unknown) => {
      res.writeHead(code, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${token}`) send(401, { error: "unauthorised" });
    else if (req.url === "/__lb/status") send(200, edge.status);
    else if (req.url === "/__lb/table") send(200, edge.table);
    else send(404, { error: "not found" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(edge, {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  });
}
