// A real HTTP(S) server on 127.0.0.1 for provider and writer tests: it records every request
// and answers with whatever the test's handler returns.
import { once } from "node:events";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";

export type RecordedRequest = {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  clientCertSubject?: string;
};
export type Answer = { status: number; body?: unknown; headers?: Record<string, string> };
export type Handler = (request: RecordedRequest) => Answer | Promise<Answer>;
export type LoopbackServer = { url: string; requests: RecordedRequest[]; close(): Promise<void> };

/** Starts a server on an ephemeral loopback port; with `tls`, an HTTPS one (optionally asking
 * clients for a certificate signed by `tls.ca`). */
export async function startLoopbackServer(
  handler: Handler,
  tls?: { cert: string; key: string; ca?: string; requestCert?: boolean },
): Promise<LoopbackServer> {
  const requests: RecordedRequest[] = [];
  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const socket = req.socket as Partial<TLSSocket>;
      const peer = socket.getPeerCertificate?.();
      const recorded: RecordedRequest = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        ...(peer?.subject ? { clientCertSubject: String(peer.subject.CN) } : {}),
      };
      requests.push(recorded);
      void Promise.resolve(handler(recorded)).then((answer) => {
        const text =
          answer.body === undefined
            ? ""
            : typeof answer.body === "string"
              ? answer.body
              : JSON.stringify(answer.body);
        res.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
        res.end(text);
      });
    });
  };
  const server = tls
    ? https.createServer(
        {
          cert: tls.cert,
          key: tls.key,
          ...(tls.ca ? { ca: tls.ca } : {}),
          requestCert: tls.requestCert ?? false,
          rejectUnauthorized: false,
        },
        listener,
      )
    : http.createServer(listener);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? "https" : "http"}://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
