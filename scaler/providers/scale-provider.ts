import { replicas } from "../policy/reasons.ts";

/** One replica change to carry out. `desired` is absolute, so repeating a call is harmless. */
export type ScaleRequest = {
  origin: string;
  pool: string;
  current: number;
  desired: number;
  reason: string;
  /** The decision's id; sent along so the receiving side can de-duplicate. */
  decisionId: string;
};

/** What the platform accepted: the replica count it will converge to. */
export type ScaleResult = { replicas: number };

/**
 * A platform that can resize an origin: an HTTP webhook, a Kubernetes Deployment's scale
 * subresource, or the local origin simulator. Failures throw RemoteCallError, whose `retryable`
 * says whether the job should try again.
 */
export interface ScaleProvider {
  /** A short description for logs, e.g. "kubernetes shop/web". */
  readonly target: string;
  scale(request: ScaleRequest): Promise<ScaleResult>;
}

/** The call's object, for error messages: "eu-1 to 6 replicas". */
export function requestSummary(request: ScaleRequest): string {
  return `${request.origin} to ${replicas(request.desired)}`;
}
