import type { DashboardAssets } from "../dashboard/dashboard-assets.ts";
import { dashboardHandler } from "../dashboard/dashboard-handler.ts";
import { withSecurityHeaders } from "../dashboard/security-headers.ts";
import type { ApiContext } from "./routes.ts";
import { apiRouter } from "./routes.ts";
import type { FetchHandler } from "./server.ts";

/** The predictor's two handlers for createPredictorServer: the JSON API and, when its assets
 * are given, the dashboard on every other path; both with the security headers. */
export function predictorHandlers(
  context: ApiContext,
  assets: DashboardAssets | null,
): { api: (request: Request) => Promise<Response>; staticFiles?: FetchHandler } {
  const router = apiRouter(context);
  const api = async (request: Request) =>
    withSecurityHeaders((await router.fetch(request)) as Response, "api");
  return assets ? { api, staticFiles: dashboardHandler(assets) } : { api };
}
