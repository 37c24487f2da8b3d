import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { createServer } from "node:http";
import { Readable } from "node:stream";
import { BadRequest, MethodNotAllowed, NotFound, PayloadTooLarge } from "../../node-shared/http-error.ts";

/** Answers a request, or null to let the next handler try (the dashboard's static files). */
export type FetchHandler = (request: Request) => Promise<Response | null>;

/**
 * The predictor's HTTP server: Node's http module bridged to fetch-style handlers. `/api/*` and
 * `/metrics` go to the API router; any other path goes to `staticFiles` (the dashboard, served from `/`) when
 * one is given. Bodies beyond `maxBodyBytes` are refused with 413 before they are read.
 */
export function createPredictorServer(options: {
  api: (request: Request) => Promise<Response>;
  staticFiles?: FetchHandler;
  maxBodyBytes: number;
  onError?: (error: unknown) => void;
}): Server {
  return createServer((req, res) => {
    void handle(req, res, options).catch((error: unknown) => {
      options.onError?.(error);
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: "internal error" }));
    });
  });
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  options: { api: (request: Request) => Promise<Response>; staticFiles?: FetchHandler; maxBodyBytes: number },
): Promise<void> {
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > options.maxBodyBytes) {
    req.resume();
    await send(
      res,
      new PayloadTooLarge(
        `request body of ${declared} bytes exceeds the ${options.maxBodyBytes}-byte limit`,
      ).toResponse(),
    );
    return;
  }
  let request: Request;
  try {
    request = toRequest(req);
  } catch (error) {
    // A request the Fetch API cannot represent (TRACE, CONNECT, TRACK) is the client's error.
    req.resume();
    const method = req.method ?? "";
    const refusal = UNSUPPORTED_METHODS.has(method.toUpperCase())
      ? new MethodNotAllowed(`method ${method} is not allowed`)
      : new BadRequest(`malformed request: ${error instanceof Error ? error.message : String(error)}`);
    await send(res, refusal.toResponse());
    return;
  }
  const path = new URL(request.url).pathname;
  let response: Response | null = null;
  if (path === "/api" || path.startsWith("/api/") || path === "/metrics" || path === "/healthz")
    response = await options.api(request);
  else if (options.staticFiles) response = await options.staticFiles(request);
  await send(res, response ?? new NotFound().toResponse());
}

/** Methods that a fetch Request refuses to carry. */
const UNSUPPORTED_METHODS = new Set(["CONNECT", "TRACE", "TRACK"]);

function toRequest(req: IncomingMessage): Request {
  // The client's Host header never goes into the URL: a forged one (a space, a bracket) would make
  // the URL unparsable, and nothing here depends on it.
  const url = new URL(req.url ?? "/", "http://predictor.invalid");
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  const method = req.method ?? "GET";
  const hasBody = method !== "GET" && method !== "HEAD";
  return new Request(url, {
    method,
    headers,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: "half" } : {}),
  });
}

async function send(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  res.writeHead(response.status, headers);
  if (response.body) {
    for await (const chunk of response.body) res.write(chunk);
  }
  res.end();
}
