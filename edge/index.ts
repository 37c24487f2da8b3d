import { KV_KEYS } from "../contracts/admin-api.ts";
import { p2cPeakEwma } from "./balancing/p2c-peak-ewma.ts";
import type { EdgeEnv } from "./env.ts";
import { readEnv } from "./env.ts";
import { runHealthCheck } from "./health/run-health-check.ts";
import { errorToResponse } from "./http/errors.ts";
import type { DocumentKv, RequestScope } from "./http/request-scope.ts";
import { createRouter } from "./http/router.ts";
import { requestClock } from "./http/test-hooks.ts";
import type { DocumentName } from "./state/document-store.ts";
import { DocumentStore } from "./state/document-store.ts";
import { EdgeState } from "./state/edge-state.ts";

// The composition root: the only place that reads the runtime's clock and randomness and
// builds the per-isolate state the handlers share.

const log = (message: string): void => { console.error(message); };
const realNow = (): number => Date.now();
const router = createRouter();

function randomHex(bytes: number): string {
  const buffer = crypto.getRandomValues(new Uint8Array(bytes));
  let out = "";
  for (const byte of buffer) out += byte.toString(16).padStart(2, "0");
  return out;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const upstreamFetch = (request: Request): Promise<Response> => fetch(request);

type Isolate = { state: EdgeState; kv: DocumentKv; env: ReturnType<typeof readEnv> };
let isolate: Isolate | null = null;

/** The isolate's state, made on first use (bindings only arrive with the first event). */
function isolateFor(env: EdgeEnv): Isolate {
  if (isolate) return isolate;
  const kv: DocumentKv = { get: (key) => env.ORIGINS.get(key, "text"), put: (key, value) => env.ORIGINS.put(key, value) };
  const store = new DocumentStore((name: DocumentName) => kv.get(KV_KEYS[name]), log);
  const parsed = readEnv(env);
  for (const problem of parsed.problems) log(`headroom-edge: ${problem}`);
  isolate = { state: new EdgeState(store, p2cPeakEwma), kv, env: parsed };
  return isolate;
}

function healthCheck(current: Isolate) {
  return (now: number) => runHealthCheck({ store: current.state.store, kv: current.kv, fetch: upstreamFetch, clock: realNow, log }, now);
}

export default {
  async fetch(request, env, ctx) {
    const current = isolateFor(env);
    const { flags, adminToken } = current.env;
    const time = requestClock(request.headers, flags.testHooks, realNow, Math.random);
    const scope: RequestScope = { state: current.state, flags, kv: current.kv, adminToken, now: time.now, clock: time.clock, rng: time.rng, randomHex, sleep, waitUntil: (promise) => { ctx.waitUntil(promise); }, fetch: upstreamFetch, checkHealth: healthCheck(current) };
    const result: unknown = await router.fetch(request, scope);
    return result instanceof Response ? result : errorToResponse(new Error("the router produced no response"));
  },
  async scheduled(controller, env) {
    await healthCheck(isolateFor(env))(controller.scheduledTime);
  },
} satisfies ExportedHandler<EdgeEnv>;
