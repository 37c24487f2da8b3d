import type { ErrorBody } from "../../contracts/admin-api.ts";
import type { ValidationIssue } from "../../contracts/validation.ts";

/** JSON response with the given status and headers. */
export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
  });
}

/** An error that is an HTTP answer: thrown anywhere, turned into JSON by the router's one catch. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues?: ValidationIssue[],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }

  /** The `{ error, issues? }` JSON answer. */
  toResponse(): Response {
    const body: ErrorBody = this.issues
      ? { error: this.message, issues: this.issues }
      : { error: this.message };
    return jsonResponse(body, this.status, this.headers);
  }
}

export class BadRequest extends HttpError {
  constructor(message: string, issues?: ValidationIssue[]) {
    super(400, message, issues);
  }
}

export class Unauthorized extends HttpError {
  constructor(message = "a valid bearer token is required (Authorization: Bearer <ADMIN_TOKEN>)") {
    super(401, message, undefined, { "www-authenticate": 'Bearer realm="headroom-edge"' });
  }
}

export class NotFound extends HttpError {
  constructor(message = "not found") {
    super(404, message);
  }
}

export class Conflict extends HttpError {
  constructor(message: string) {
    super(409, message);
  }
}

export class PayloadTooLarge extends HttpError {
  constructor(limit: number) {
    super(413, `the body is larger than ${limit} bytes, the most this route reads`);
  }
}

/** Too many requests from one client; `retryAfterSeconds` tells it when to come back. */
export class TooManyRequests extends HttpError {
  constructor(message: string, retryAfterSeconds: number) {
    super(429, message, undefined, { "retry-after": String(retryAfterSeconds) });
  }
}

/** No origin could take the request; the body says why. */
export class ServiceUnavailable extends HttpError {
  constructor(message: string, retryAfterSeconds: number) {
    super(503, message, undefined, { "retry-after": String(retryAfterSeconds) });
  }
}

export class GatewayTimeout extends HttpError {
  constructor(message: string) {
    super(504, message);
  }
}

/** The router's single error exit: an HttpError answers itself; anything else is a logged 500. */
export function errorToResponse(error: unknown): Response {
  if (error instanceof HttpError) return error.toResponse();
  console.error("headroom-edge: unexpected error:", error);
  return jsonResponse({ error: "internal error in the edge worker" } satisfies ErrorBody, 500);
}
