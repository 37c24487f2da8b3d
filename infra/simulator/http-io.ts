import type { ServerResponse } from "node:http";
import type { ValidationIssue } from "../../contracts/index.ts";

/** Largest control request body accepted. */
export const MAX_BODY_BYTES = 16 * 1024;

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
