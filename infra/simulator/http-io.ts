import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ValidationIssue } from "../../contracts/index.ts";

/** Largest control request body accepted. */
export const MAX_BODY_BYTES = 16 * 1024;

/** Reads a request body as text; null when it exceeds `limit` bytes (the caller answers 413). */
export async function readBody(request: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) {
      request.resume();
      return null;
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Sends a JSON answer. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "cache-control": "no-store",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

/** Sends the project's JSON error shape `{ error, issues? }`. */
export function sendError(
  response: ServerResponse,
  status: number,
  error: string,
  issues?: ValidationIssue[],
  headers: Record<string, string> = {},
): void {
  sendJson(response, status, issues === undefined ? { error } : { error, issues }, headers);
}

/** True when the request carries `Authorization: Bearer <token>`; compared in constant time
 * (hashing both first, so lengths do not leak either). */
export function hasBearerToken(request: IncomingMessage, token: string): boolean {
  const header = request.headers.authorization ?? "";
  const match = /^Bearer\s+(.+)$/i.exec(header);
  if (!match) return false;
  const digest = (text: string): Buffer => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(match[1] ?? ""), digest(token));
}
