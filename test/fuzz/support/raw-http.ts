// An HTTP client that sends exactly what a fuzz case says (any method, a raw path, odd headers,
// a body with or without Content-Length), which fetch would normalise or refuse.
import http from "node:http";

/** What came back: status, headers and body text. */
export type RawAnswer = { status: number; headers: http.IncomingHttpHeaders; body: string };

/** One request as a fuzz case describes it. `chunked` streams the body without a length. */
export type RawRequest = {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  chunked?: boolean;
};

/** Sends `request` to `base` (http://host:port) over a keep-alive agent. */
export function sendRaw(base: string, request: RawRequest, agent: http.Agent): Promise<RawAnswer> {
  const url = new URL(base);
  const body =
    request.body === undefined
      ? undefined
      : typeof request.body === "string"
        ? Buffer.from(request.body, "utf8")
        : Buffer.from(request.body);
  const headers: Record<string, string> = { ...request.headers };
  if (body !== undefined && request.chunked !== true) headers["content-length"] = String(body.length);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, method: request.method, path: request.path, headers, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString("utf8"),
          });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    if (body !== undefined && request.chunked === true) {
      // In pieces, so the server cannot know the length before it has read past its limit.
      for (let at = 0; at < body.length; at += 16 * 1024) req.write(body.subarray(at, at + 16 * 1024));
      req.end();
    } else {
      req.end(body);
    }
  });
}
