import type { IRequest, RouterType } from "itty-router";
import type { ValidationIssue } from "../../contracts/index.ts";
import { reviewForecasts } from "../forecasting/forecast-review.ts";
import type { DocumentStore } from "../store/documents.ts";
import type { ForecastHistory } from "../store/forecast-history.ts";
import type { SeriesStore } from "../store/series-store.ts";
import type { EdgeClient } from "./edge-client.ts";
import { NotFound, ServiceUnavailable } from "../../node-shared/http-error.ts";
import { integerParam, onlyParams, rejectIssues, seriesFilter } from "./query-params.ts";

/** What the dashboard's routes read, besides the stores every route has. */
export type DashboardContext = {
  series: SeriesStore;
  documents: DocumentStore;
  adminToken: string | null;
  now: () => number;
  /** Remembered forecasts; null when this process does not keep them. */
  history: ForecastHistory | null;
  /** The Worker's admin API, read server-side; null when no edge is configured. */
  edge: EdgeClient | null;
  horizonSteps: number;
};

/**
 * The routes the dashboard needs beyond the core API: its settings (`/api/info`), capacity over
 * time, the remembered forecasts scored against what happened, and the Worker's status and table
 * read with the predictor's own edge token (which never reaches the browser).
 */
export function addDashboardRoutes(router: RouterType<IRequest, []>, context: DashboardContext): void {
  const maxMinutes = (seconds: number) => Math.max(1, Math.floor(seconds / 60));
  router
    .get("/api/info", async () =>
      Response.json({
        now: new Date(context.now()).toISOString(),
        stepSeconds: context.series.stepSeconds,
        retentionSeconds: context.series.retentionSeconds,
        horizonSteps: context.horizonSteps,
        history: context.history
          ? {
              leadSteps: context.history.leadSteps,
              leadSeconds: context.history.leadSteps * context.series.stepSeconds,
              retentionSeconds: context.history.retentionSeconds,
            }
          : null,
        edge: { configured: context.edge !== null },
        writes: context.adminToken !== null,
        scaler: await context.documents.readScalerHeartbeat(),
        // The dashboard marks a Redis that lost its data (docs/architecture.md, "Redis epoch").
        redisEpoch: await context.documents.readEpoch(),
      }),
    )
    .get("/api/capacity", async (request) => {
      const issues: ValidationIssue[] = [];
      onlyParams(request.query, ["origin", "minutes"], issues);
      const { origin } = seriesFilter(request.query, issues);
      const limit = maxMinutes(context.series.retentionSeconds);
      const minutes = integerParam(request.query, "minutes", 1, limit, Math.min(360, limit), issues);
      rejectIssues(issues);
      const now = context.now();
      const origins =
        origin !== undefined ? [origin] : [...new Set((await context.series.list()).map((s) => s.origin))];
      const capacity = await Promise.all(
        origins.map(async (id) => ({
          origin: id,
          samples: await context.series.readCapacity(id, now - minutes * 60_000, now),
        })),
      );
      return Response.json({ capacity });
    })
    .get("/api/forecast-history", async (request) => {
      const history = context.history;
      if (!history) throw new NotFound("this predictor keeps no forecast history");
      const issues: ValidationIssue[] = [];
      onlyParams(request.query, ["origin", "metric", "minutes"], issues);
      const filter = seriesFilter(request.query, issues);
      const limit = maxMinutes(history.retentionSeconds);
      const minutes = integerParam(request.query, "minutes", 1, limit, Math.min(1440, limit), issues);
      rejectIssues(issues);
      const now = context.now();
      const from = now - minutes * 60_000;
      const stepMs = context.series.stepMs;
      const all = (await context.series.list()).filter(
        (s) =>
          (filter.origin === undefined || s.origin === filter.origin) &&
          (filter.metric === undefined || s.metric === filter.metric),
      );
      const series = await Promise.all(
        all.map(async ({ origin, metric }) => {
          const past = await history.read(origin, metric, from, now + history.leadSteps * stepMs);
          // The actuals reach back one lead further, for the persistence baseline.
          const actual = await context.series.read(origin, metric, from - history.leadSteps * stepMs, now);
          return { origin, metric, ...reviewForecasts(past, actual, history.leadSteps) };
        }),
      );
      return Response.json({
        stepSeconds: context.series.stepSeconds,
        leadSteps: history.leadSteps,
        leadSeconds: history.leadSteps * context.series.stepSeconds,
        series,
      });
    })
    .get("/api/edge/status", async () => Response.json(await requireEdge(context).read("status")))
    .get("/api/edge/table", async () => Response.json(await requireEdge(context).read("table")));
}

function requireEdge(context: DashboardContext): EdgeClient {
  if (!context.edge)
    throw new ServiceUnavailable(
      "no edge is configured: start the predictor with --edge-url and --edge-token (PREDICTOR_EDGE_URL, PREDICTOR_EDGE_TOKEN)",
    );
  return context.edge;
}
