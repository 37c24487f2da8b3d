import type { HealthReport } from "../../contracts/health-report.ts";
import type { Rng } from "../../contracts/random.ts";
import type { AdminToken } from "../admin/auth.ts";
import type { RequestReporter } from "../analytics/request-reporter.ts";
import type { FleetRateLimiter } from "../resilience/fleet-rate-limiter.ts";
import type { EdgeState } from "../state/edge-state.ts";

/** The Worker's boolean vars, read once per isolate. */
export type EdgeFlags = {
  /** EXPOSE_ORIGIN: add `x-lb-origin` to responses. */
  readonly exposeOrigin: boolean;
  /** TRUST_GEO_HEADER: let `x-lb-geo` stand in for request.cf (local runs and tests only). */
  readonly trustGeoHeader: boolean;
  /** TEST_HOOKS: let test headers set a request's clock and seed its randomness (tests only). */
  readonly testHooks: boolean;
};

/** The KV documents as the admin API reads and writes them. */
export type DocumentKv = {
  get(key: string): Promise<string | null>;
  put(key: string, value: string): Promise<void>;
};

/** The upstream fetch: the runtime's `fetch(url, init)`, or a test's. (A URL and an init, not a
 * Request: the runtime builds its request from them once, where a Request would be copied.) */
export type UpstreamFetch = (url: string, init: RequestInit) => Promise<Response>;

/** Everything a handler needs besides the request: passed explicitly, never global. */
export type RequestScope = {
  readonly state: EdgeState;
  readonly flags: EdgeFlags;
  readonly kv: DocumentKv;
  /** The ADMIN_TOKEN secret, or null when none is configured (admin routes then answer 404). */
  readonly adminToken: AdminToken | null;
  /** The request's start time (epoch ms) and a clock that moves on from it. */
  readonly now: number;
  readonly clock: () => number;
  readonly rng: Rng;
  /** `bytes` cryptographically random bytes as lower-case hex (trace and session ids). */
  readonly randomHex: (bytes: number) => string;
  readonly sleep: (ms: number) => Promise<void>;
  /** Keeps the invocation alive until `promise` settles (ctx.waitUntil). */
  readonly waitUntil: (promise: Promise<unknown>) => void;
  /** The upstream fetch (the runtime's, or a test's). */
  readonly fetch: UpstreamFetch;
  /** Runs the active health check now and stores its report. */
  readonly checkHealth: (now: number) => Promise<HealthReport | null>;
  /** The RATE_LIMITER binding, or null without one (the isolate's token bucket applies). */
  readonly rateLimiter: FleetRateLimiter | null;
  /** Writes a request's data point to the ANALYTICS dataset (a no-op without the binding). */
  readonly report: RequestReporter;
  /** True when the ANALYTICS binding is configured. */
  readonly analytics: boolean;
};
