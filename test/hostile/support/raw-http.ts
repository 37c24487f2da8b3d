import { connect } from "node:net";

/** What came back on a raw connection: the status line's code, the head and the body text. */
export type RawAnswer = { status: number; head: string; body: string };

/** The payload of a chunked body (sizes in hex, each chunk followed by CRLF). */
function dechunk(raw: string): string {
  let out = "";
  let at = 0;
  for (;;) {
    const lineEnd = raw.indexOf("\r\n", at);
    if (lineEnd < 0) return out;
    const size = Number.parseInt(raw.slice(at, lineEnd), 16);
    if (!(size > 0)) return out;
    out += raw.slice(lineEnd + 2, lineEnd + 2 + size);
    at = lineEnd + 2 + size + 2;
  }
}

/**
 * Writes `text` as it is (request line, headers and all) on a fresh TCP connection to
 * 127.0.0.1:`port` and reads until the server closes it or `timeoutMs` passes: for requests that
 * fetch clients refuse to send (absolute-form targets, CONNECT, forged framing). A status of 0
 * means the server answered nothing.
 */
export function rawExchange(port: number, text: string, timeoutMs = 3_000): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let received = "";
    const finish = (): void => {
      clearTimeout(timer);
      socket.destroy();
      const [head = "", ...rest] = received.split("\r\n\r\n");
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
      const raw = rest.join("\r\n\r\n");
      resolve({ status, head, body: /\r\ntransfer-encoding: *chunked/i.test(head) ? dechunk(raw) : raw });
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      received += chunk;
      // One answer is all these exchanges need: stop at the end of a sized or empty body.
      const headEnd = received.indexOf("\r\n\r\n");
      if (headEnd < 0) return;
      const head = received.slice(0, headEnd);
      const length = /\r\ncontent-length: *(\d+)/i.exec(head)?.[1];
      if (length !== undefined && received.length - headEnd - 4 >= Number(length)) finish();
      else if (/\r\ntransfer-encoding: *chunked/i.test(head) && received.endsWith("\r\n0\r\n\r\n")) finish();
    });
    socket.on("end", finish);
    socket.on("error", finish);
    socket.write(text);
  });
}

/** Sends `bytes` of a chunked body on a raw connection, then waits without ending the body, and
 * resolves with the answer's status once its status line arrives (0 if the connection ends or
 * `timeoutMs` passes without one). An answer proves that the server did not wait for the body's
 * end; since everything sent has been read, no reset can swallow the answer. */
export function sendUnendedBody(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  bytes: number,
  timeoutMs = 5_000,
): Promise<number> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    const piece = Buffer.alloc(64 * 1024, 0x20);
    const chunk = Buffer.concat([
      Buffer.from(`${piece.byteLength.toString(16)}\r\n`),
      piece,
      Buffer.from("\r\n"),
    ]);
    let received = "";
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(Number(/^HTTP\/1\.[01] (\d{3})/.exec(received)?.[1] ?? 0));
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.setEncoding("latin1");
    socket.on("data", (data: string) => {
      received += data;
      if (/^HTTP\/1\.[01] \d{3}/.test(received)) finish();
    });
    socket.on("error", finish);
    socket.on("close", finish);
    socket.write(
      [
        `${method} ${path} HTTP/1.1`,
        "host: edge.test",
        "transfer-encoding: chunked",
        ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
        "",
        "",
      ].join("\r\n"),
    );
    for (let sent = 0; sent < bytes; sent += piece.byteLength) socket.write(chunk);
  });
}
