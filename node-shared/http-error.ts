import type { ErrorBody, ValidationIssue } from "../contracts/index.ts";

/**
 * An error that is an HTTP answer: thrown anywhere in a Node service's handlers and turned into
 * the project's JSON error `{ error, issues? }` by the router's one catch (as workers-sdk's typed
 * HTTP errors). The subclasses name the statuses the services use.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues?: ValidationIssue[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = new.target.name;
  }

  /** The `{ error, issues? }` JSON answer with this error's status and headers. */
  toResponse(): Response {
    const body: ErrorBody = this.issues
      ? { error: this.message, issues: this.issues }
      : { error: this.message };
    return Response.json(body, { status: this.status, ...(this.headers ? { headers: this.headers } : {}) });
  }
}

/** 400: the request itself is wrong; `issues` say where. */
export class BadRequest extends HttpError {
  constructor(message: string, issues?: ValidationIssue[]) {
    super(400, message, issues);
  }
}

/** 401: no credential, or the wrong one. */
export class Unauthorized extends HttpError {
  constructor(message: string) {
    super(401, message);
  }
}

/** 403: the action is switched off here, whoever asks. */
export class Forbidden extends HttpError {
  constructor(message: string) {
    super(403, message);
  }
}

export class NotFound extends HttpError {
  constructor(message = "not found") {
    super(404, message);
  }
}

/** 405 with the `allow` header listing the methods the path takes. */
export class MethodNotAllowed extends HttpError {
  constructor(message: string, allowed: readonly string[] = []) {
    super(405, message, undefined, allowed.length > 0 ? { allow: allowed.join(", ") } : undefined);
  }
}

/** 409: the write contradicts what is stored; `issues` say how. */
export class Conflict extends HttpError {
  constructor(message: string, issues?: ValidationIssue[]) {
    super(409, message, issues);
  }
}

export class PayloadTooLarge extends HttpError {
  constructor(message: string) {
    super(413, message);
  }
}

/** 500: a fault of this service, not of the request. */
export class InternalError extends HttpError {
  constructor(message: string) {
    super(500, message);
  }
}

/** 502: a system this service depends on answered wrongly or not at all. */
export class BadGateway extends HttpError {
  constructor(message: string) {
    super(502, message);
  }
}

/** 503: a part this route needs is not configured or not available. */
export class ServiceUnavailable extends HttpError {
  constructor(message: string) {
    super(503, message);
  }
}

/** 504: a system this service depends on did not answer in time. */
export class GatewayTimeout extends HttpError {
  constructor(message: string) {
    super(504, message);
  }
}
