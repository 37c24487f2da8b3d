import { GEO_HEADER } from "../../contracts/admin-api.ts";
import type { AdminToken } from "../admin/auth.ts";
import { BadRequest, GatewayTimeout, HttpError, ServiceUnavailable } from "../http/errors.ts";
import type { RequestScope } from "../http/request-scope.ts";
import { depositRequest, withdrawRetry } from "../resilience/retry-budget.ts";
import { backoffDelay, mayRetry } from "../resilience/retry-policy.ts";
import type { Choice } from "../routing/choose-origin.ts";
import { chooseOrigin } from "../routing/choose-origin.ts";
import type { ClientLocation } from "../routing/geo.ts";
import { locationFromCf, parseGeoHeader } from "../routing/geo.ts";
import type { Routing } from "../state/edge-state.ts";
import { affinityKey } from "./affinity-key.ts";
import { clientResponse } from "./client-response.ts";
import type { ClientPlace } from "./client-place.ts";
import { clientPlace } from "./client-place.ts";
import { enforceRateLimit } from "./enforce-rate-limit.ts";
import { isWebSocketUpgrade, upstreamHeaders } from "./forwarded-headers.ts";
import { hasEncodedDotSegment, isUnforwardedMethod } from "./request-guards.ts";
import { retryAfterSeconds } from "./retry-after.ts";
import { childTraceparent } from "./traceparent.ts";
import type { TryResult } from "./try-origin.ts";
import { tryOrigin } from "./try-origin.ts";
import { upstreamUrl } from "./upstream-url.ts";

/** Where the client is: `x-lb-geo` when trusted and well-formed, else request.cf. */
export function clientLocation(request: Request, trustGeoHeader: boolean): ClientLocation {
  if (trustGeoHeader) {
    const header = request.headers.get(GEO_HEADER);
    const parsed = header === null ? null : parseGeoHeader(header);
    if (parsed) return parsed;
  }
  return locationFromCf(
    (request as { cf?: { latitude?: unknown; longitude?: unknown; country?: unknown } }).cf,
  );
}

/** A request carrying the edge's own admin token is never forwarded: origins must not learn the
 * secret, even from an operator who mistyped an admin path (`/__LB/table`, `/_lb/status`). A
 * client's other credentials are its business and pass through. */
async function refuseAdminCredential(header: string, token: AdminToken, scope: RequestScope): Promise<void> {
  if (await token.authorizes(header)) {
    scope.state.metrics.reject("admin_token");
    throw new BadRequest(
      "this request carries the edge's admin token, which is never forwarded to an origin; admin routes are under /__lb/ (lower case)",
    );
  }
}

/**
 * Proxies a request: picks an origin (geo, health, load), sends it, and on a retryable failure
 * tries a different origin after a jittered back-off while the retry budget allows. The answer
 * streams back untouched; when no origin can answer, the edge says why with a 503 (or 504).
 */
export async function forward(request: Request, url: URL, scope: RequestScope): Promise<Response> {
  const { state } = scope;
  if (isUnforwardedMethod(request.method)) {
    state.metrics.reject("refused_request");
    throw new HttpError(
      405,
      `${request.method} requests are not forwarded (no tunnels, no request echoes)`,
      undefined,
      { allow: "GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS" },
    );
  }
  if (hasEncodedDotSegment(url.pathname)) {
    state.metrics.reject("refused_request");
    throw new BadRequest(
      "the path holds an encoded dot segment (such as %2e%2e or ..%2f) that could leave the origin's base path",
    );
  }
  const authorization = request.headers.get("authorization");
  if (authorization !== null && scope.adminToken !== null)
    await refuseAdminCredential(authorization, scope.adminToken, scope);
  const routing = state.routingNow(scope.now) ?? (await state.routing(scope.now));
  if (!routing) {
    state.metrics.reject("no_table");
    throw new ServiceUnavailable("no valid origin table is loaded (PUT one to /__lb/table)", 10);
  }
  const { table } = routing;
  const config = table.config;
  const clientIp = request.headers.get("cf-connecting-ip");
  const location = clientLocation(request, scope.flags.trustGeoHeader);
  const place = clientPlace(request, location);
  if (config.rateLimit) {
    try {
      await enforceRateLimit(config.rateLimit, request, url.pathname, clientIp, scope);
    } catch (error) {
      edgeAnswered(scope, place, 429);
      throw error;
    }
  }
  const sequence = state.sequence(table, location);
  const affinity = table.affinity
    ? affinityKey(request.headers, table.affinity, clientIp, url.protocol === "https:", scope.randomHex)
    : null;
  depositRequest(state.budget, scope.now);
  const websocket = isWebSocketUpgrade(request.headers);
  const headers = upstreamHeaders(request.headers, {
    clientIp,
    url,
    websocket,
    traceparent: childTraceparent(request.headers.get("traceparent"), scope.randomHex),
  });
  const hasBody = request.body !== null;
  const tried: number[] = [];
  const choose = (first: boolean): Choice =>
    chooseOrigin({
      table,
      plan: routing.plan,
      sequence,
      strategy: state.strategy,
      load: routing.load,
      context: { now: scope.clock(), rng: scope.rng, exclude: tried },
      affinityKey: affinity?.hash ?? null,
      spill: first ? routing.spill : null,
    });

  let choice = choose(true);
  if (!choice.ok) {
    const overloaded = choice.reason === "overloaded";
    state.metrics.reject(overloaded ? "overloaded" : "no_origin");
    edgeAnswered(scope, place, 503);
    throw new ServiceUnavailable(
      overloaded
        ? "every origin that could serve this request is at its in-flight cap (overloaded)"
        : "no healthy origin can serve this request",
      overloaded ? 1 : retryAfterSeconds(routing, scope.now),
    );
  }
  for (let attempt = 1; ; attempt++) {
    const origin = routing.table.origins[choice.origin];
    const pool = routing.table.pools[choice.pool];
    if (!origin || !pool) throw new Error(`routing chose an unknown origin ${choice.origin}`);
    tried.push(origin.index);
    state.tryStarted(routing, origin.index);
    const result = await tryOrigin(
      {
        url: upstreamUrl(origin.base, url),
        method: request.method,
        headers,
        body: request.body,
        timeoutMs: table.timeoutMs,
      },
      scope.fetch,
      scope.clock,
    );
    const at = scope.clock();
    state.tryEnded(
      routing,
      origin.index,
      {
        failure: result.failure,
        rttMs: result.failure === "connect" || result.failure === "status" ? null : result.rttMs,
      },
      at,
    );
    const slot: Slot = { routing, origin: origin.index, tries: tried.length, place };
    if (result.failure === null)
      return answered(scope, pool.name, origin.id, result.response, affinity?.setCookie ?? null, slot);
    state.metrics.upstreamError(origin.id, result.failure);
    const status = result.response?.status ?? 0;
    const next =
      attempt < config.retry.maxAttempts && mayRetry(request.method, hasBody, result.failure, status)
        ? choose(false)
        : null;
    if (!next?.ok)
      return finalAnswer(scope, routing, pool.name, origin.id, result, affinity?.setCookie ?? null, slot);
    if (!withdrawRetry(state.budget, at, config.retry)) {
      state.retryBudgetExhausted(at);
      return finalAnswer(scope, routing, pool.name, origin.id, result, affinity?.setCookie ?? null, slot);
    }
    state.metrics.retry(origin.id);
    state.tryFinished(routing, origin.index);
    if (result.response) await result.response.body?.cancel();
    const delay = backoffDelay(attempt, config.retry.backoffBaseMs, config.retry.backoffMaxMs, scope.rng);
    if (delay > 0) await scope.sleep(delay);
    choice = next;
  }
}

/** The origin slot a try holds until its answer has been streamed, and what the request's data
 * point needs to know of it. */
type Slot = { routing: Routing; origin: number; tries: number; place: ClientPlace };

/** Counts a request the edge answered itself, in this isolate's metrics and the fleet's analytics. */
function edgeAnswered(scope: RequestScope, place: ClientPlace, status: number): void {
  scope.state.metrics.request("none", "none", status, 0);
  const latencyMs = scope.clock() - scope.now;
  scope.report({ pool: "", origin: "", status, tries: 0, latencyMs, ...place });
}

/** Counts and returns an origin's answer; the slot is released once its body has streamed. */
function answered(
  scope: RequestScope,
  pool: string,
  origin: string,
  response: Response,
  setCookie: string | null,
  slot: Slot,
): Response {
  const series = slot.routing.series[slot.origin];
  const latencyMs = scope.clock() - scope.now;
  const seconds = latencyMs / 1000;
  if (series) scope.state.metrics.record(series, response.status, seconds);
  else scope.state.metrics.request(pool, origin, response.status, seconds);
  scope.report({ pool, origin, status: response.status, tries: slot.tries, latencyMs, ...slot.place });
  const release = (): void => {
    scope.state.tryFinished(slot.routing, slot.origin);
  };
  return clientResponse(response, origin, scope.flags.exposeOrigin, setCookie, {
    release,
    waitUntil: scope.waitUntil,
  });
}

/** The answer after the last try failed: the origin's own 5xx when it gave one, else the edge's. */
function finalAnswer(
  scope: RequestScope,
  routing: Routing,
  pool: string,
  origin: string,
  result: TryResult,
  setCookie: string | null,
  slot: Slot,
): Response {
  if (result.response) return answered(scope, pool, origin, result.response, setCookie, slot);
  scope.state.tryFinished(slot.routing, slot.origin);
  scope.state.metrics.reject("all_tries_failed");
  const status = result.failure === "timeout" ? 504 : 503;
  const latencyMs = scope.clock() - scope.now;
  scope.state.metrics.request(pool, origin, status, latencyMs / 1000);
  scope.report({ pool, origin, status, tries: slot.tries, latencyMs, ...slot.place });
  if (result.failure === "timeout")
    throw new GatewayTimeout(
      `origin ${origin} did not answer within ${routing.table.timeoutMs} ms and no retry was possible`,
    );
  throw new ServiceUnavailable(
    `no origin could be reached (last: ${origin}: ${result.error})`,
    retryAfterSeconds(routing, scope.clock()),
  );
}
