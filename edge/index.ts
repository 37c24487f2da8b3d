import { KV_KEYS } from "../contracts/admin-api.ts";
import type { HealthReport } from "../contracts/health-report.ts";
import { AdminToken } from "./admin/auth.ts";
import type { RequestReporter } from "./analytics/request-reporter.ts";
import { requestReporter } from "./analytics/request-reporter.ts";
import { weightFirstP2c } from "./balancing/weight-first-p2c.ts";
import type { EdgeEnv } from "./env.ts";
import { readEnv } from "./env.ts";
import { runHealthCheck } from "./health/run-health-check.ts";
import { errorToResponse } from "./http/errors.ts";
import { randomHex } from "./http/random-hex.ts";
import type { DocumentKv, EdgeFlags, RequestScope, UpstreamFetch } from "./http/request-scope.ts";
import { isAdminPath } from "./http/admin-path.ts";
import { createAdminRouter } from "./http/router.ts";
import { requestClock } from "./http/test-hooks.ts";
import { forward } from "./proxy/forward.ts";
import type { FleetRateLimiter } from "./resilience/fleet-rate-limiter.ts";
import { fleetRateLimiter } from "./resilience/fleet-rate-limiter.ts";
import type { DocumentName } from "./state/document-store.ts";
import { DocumentStore } from "./state/document-store.ts";
import { EdgeState } from "./state/edge-state.ts";

// The composition root: the only place that reads the runtime's clock and randomness and
// builds the per-isolate state the handlers share. Everything that does not depend on the
// request is built once per isolate here, not per request.

const log = (message: string): void => {
  console.error(message);
};
const realNow = (): number => Date.now();
const router = createAdminRouter();

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const upstreamFetch: UpstreamFetch = (url, init) => fetch(url, init);

type Isolate = {
  state: EdgeState;
  kv: DocumentKv;
  flags: EdgeFlags;
  adminToken: AdminToken | null;
  checkHealth: (now: number) => Promise<HealthReport | null>;
  rateLimiter: FleetRateLimiter | null;
  report: RequestReporter;
  analytics: boolean;
};
let isolate: Isolate | null = null;

/** The isolate's state, made on first use (bindings only arrive with the first event). */
function isolateFor(env: EdgeEnv): Isolate {
  if (isolate) return isolate;
  const kv: DocumentKv = {
    get: (key) => env.ORIGINS.get(key, "text"),
    put: (key, value) => env.ORIGINS.put(key, value),
  };
  const store = new DocumentStore((name: DocumentName) => kv.get(KV_KEYS[name]), log);
  const parsed = readEnv(env);
  for (const problem of parsed.problems) log(`headroom-edge: ${problem}`);
  const state = new EdgeState(store, weightFirstP2c);
  const checkHealth = (now: number) =>
    runHealthCheck({ store, kv, fetch: upstreamFetch, clock: realNow, log }, now);
  isolate = {
    state,
    kv,
    flags: parsed.flags,
    adminToken: parsed.adminToken === null ? null : new AdminToken(parsed.adminToken),
    checkHealth,
    rateLimiter: fleetRateLimiter(env.RATE_LIMITER, log),
    report: requestReporter(env.ANALYTICS, (error) => {
      if (state.metrics.analyticsWriteFailures++ === 0)
        log(
          `headroom-edge: writing to the ANALYTICS dataset failed (${error instanceof Error ? error.message : String(error)}); requests are answered, lb_analytics_write_failures_total counts the misses`,
        );
    }),
    analytics: env.ANALYTICS !== undefined,
  };
  return isolate;
}

export default {
  async fetch(request, env, ctx) {
    const current = isolateFor(env);
    const time = requestClock(request.headers, current.flags.testHooks, realNow, Math.random);
    const scope: RequestScope = {
      state: current.state,
      flags: current.flags,
      kv: current.kv,
      adminToken: current.adminToken,
      now: time.now,
      clock: time.clock,
      rng: time.rng,
      randomHex,
      sleep,
      waitUntil: (promise) => {
        ctx.waitUntil(promise);
      },
      fetch: upstreamFetch,
      checkHealth: current.checkHealth,
      rateLimiter: current.rateLimiter,
      report: current.report,
      analytics: current.analytics,
    };
    const url = new URL(request.url);
    try {
      if (!isAdminPath(url.pathname)) return await forward(request, url, scope);
      const result: unknown = await router.fetch(request, scope);
      return result instanceof Response
        ? result
        : errorToResponse(new Error("the admin router produced no response"));
    } catch (error) {
      return errorToResponse(error);
    }
  },
  async scheduled(controller, env) {
    await isolateFor(env).checkHealth(controller.scheduledTime);
  },
} satisfies ExportedHandler<EdgeEnv>;
