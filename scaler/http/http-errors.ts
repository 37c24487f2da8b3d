import type { ValidationIssue } from "../../contracts/index.ts";

/**
 * A failed call to another system. `retryable` sorts faults that may pass (network trouble,
 * timeouts, 408/429/5xx answers) from those that will not (bad credentials, a refused document),
 * so the jobs retry only the former.
 */
export class RemoteCallError extends Error {
  readonly retryable: boolean;
  readonly status: number | undefined;
  readonly issues: ValidationIssue[] | undefined;
  constructor(
    message: string,
    options: { retryable: boolean; status?: number; issues?: ValidationIssue[]; cause?: unknown },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "RemoteCallError";
    this.retryable = options.retryable;
    this.status = options.status;
    this.issues = options.issues;
  }
}

/** The stored document has a version at least as new as the one being written (HTTP 409). */
export class StaleVersionError extends RemoteCallError {
  constructor(message: string) {
    super(message, { retryable: false, status: 409 });
    this.name = "StaleVersionError";
  }
}

/** True for HTTP statuses worth retrying. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}
