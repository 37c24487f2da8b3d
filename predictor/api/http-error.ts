import type { ErrorBody, ValidationIssue } from "../../contracts/index.ts";

/** An error that becomes a JSON answer `{ error, issues? }` with its status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues?: ValidationIssue[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "HttpError";
  }

  toResponse(): Response {
    const body: ErrorBody = this.issues
      ? { error: this.message, issues: this.issues }
      : { error: this.message };
    return Response.json(body, { status: this.status, ...(this.headers ? { headers: this.headers } : {}) });
  }
}
