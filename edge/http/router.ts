import type { IRequestStrict } from "itty-router";
import { Router } from "itty-router";
import { readDocument, writeDocument } from "../admin/documents.ts";
import { renderMetrics } from "../admin/metrics-text.ts";
import { statusView } from "../admin/status-view.ts";
import { HttpError, NotFound, Unauthorized, errorToResponse, jsonResponse } from "./errors.ts";
import type { RequestScope } from "./request-scope.ts";

type Scoped = [scope: RequestScope];

/** The methods each admin route answers, for 405's Allow header. */
const ROUTES: Record<string, string> = {
  "/__lb/healthz": "GET",
  "/__lb/table": "GET, PUT",
  "/__lb/weights": "GET, PUT",
  "/__lb/status": "GET",
  "/__lb/metrics": "GET",
  "/__lb/check": "POST",
};

/** Admin routes need the bearer token; with none configured they do not exist (404). */
async function requireAdmin(request: IRequestStrict, scope: RequestScope): Promise<undefined> {
  if (scope.adminToken === null)
    throw new NotFound("not found (the admin API is off: no ADMIN_TOKEN is configured)");
  if (!(await scope.adminToken.authorizes(request.headers.get("authorization")))) throw new Unauthorized();
  return undefined;
}

/** GET /__lb/status and /__lb/metrics read the routing this isolate would use now. */
async function currentRouting(scope: RequestScope) {
  return scope.state.routing(scope.now).catch(() => null);
}

/** An admin path that exists but not for this method (405), or one that does not (404). */
function noRoute(request: IRequestStrict): never {
  const pathname = new URL(request.url).pathname.replace(/\/+$/, "");
  const allowed = ROUTES[pathname];
  if (allowed)
    throw new HttpError(405, `${pathname} answers ${allowed}, not ${request.method}`, undefined, {
      allow: allowed,
    });
  throw new NotFound(`no admin route ${request.method} ${pathname}`);
}

/**
 * The admin API under /__lb/ (the Worker's entry sends every other path to the proxy). One catch
 * stage turns any error into a JSON answer.
 */
export function createAdminRouter() {
  const router = Router<IRequestStrict, Scoped>({ catch: errorToResponse });
  router
    .get("/__lb/healthz", () => jsonResponse({ ok: true }))
    .all("/__lb/*", requireAdmin)
    .get("/__lb/table", (_request, scope) => readDocument("table", scope))
    .put("/__lb/table", (request, scope) => writeDocument("table", request, scope))
    .get("/__lb/weights", (_request, scope) => readDocument("weights", scope))
    .put("/__lb/weights", (request, scope) => writeDocument("weights", request, scope))
    .get("/__lb/status", async (_request, scope) =>
      jsonResponse(
        statusView(scope.state, await currentRouting(scope), scope.now, {
          rateLimiter: scope.rateLimiter !== null,
          analytics: scope.analytics,
        }),
      ),
    )
    .get(
      "/__lb/metrics",
      async (_request, scope) =>
        new Response(renderMetrics(scope.state, await currentRouting(scope), scope.now), {
          headers: {
            "content-type": "text/plain; version=0.0.4; charset=utf-8",
            "cache-control": "no-store",
          },
        }),
    )
    .post("/__lb/check", async (_request, scope) => {
      const report = await scope.checkHealth(scope.now);
      return report
        ? jsonResponse(report)
        : jsonResponse({ error: "no valid origin table is loaded; nothing to check" }, 503, {
            "retry-after": "10",
          });
    })
    .all("/__lb/*", noRoute);
  return router;
}
