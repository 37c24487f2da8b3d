import type { IRequest } from "itty-router";
import { Router } from "itty-router";
import type { ValidationIssue } from "../../contracts/index.ts";
import {
  ValidationError,
  parseJsonText,
  validateScheduledEvent,
  validateSlo,
} from "../../contracts/index.ts";
import type { DeclaredConfig } from "../config/operator-file.ts";
import { documentSources } from "../operator-config/apply-declared.ts";
import type { DocumentStore } from "../store/documents.ts";
import type { ForecastHistory } from "../store/forecast-history.ts";
import type { SeriesStore } from "../store/series-store.ts";
import { readBoundedText } from "../../node-shared/bounded-body.ts";
import {
  BadRequest,
  Conflict,
  HttpError,
  InternalError,
  MethodNotAllowed,
  NotFound,
  PayloadTooLarge,
} from "../../node-shared/http-error.ts";
import { requireAdmin } from "./admin-token.ts";
import { addDashboardRoutes } from "./dashboard-routes.ts";
import { decisionFilter } from "./decision-params.ts";
import type { EdgeClient } from "./edge-client.ts";
import type { ProcessHealth } from "./health.ts";
import { healthResponse } from "./health.ts";
import { predictorMetrics } from "./metrics-text.ts";
import { integerParam, onlyParams, poolFilter, rejectIssues, seriesFilter } from "./query-params.ts";

/** What the API reads and writes. */
export type ApiContext = {
  series: SeriesStore;
  documents: DocumentStore;
  adminToken: string | null;
  now: () => number;
  /** Requests bigger than this get 413. */
  maxBodyBytes: number;
  /** For the dashboard: remembered forecasts, the Worker's admin API, the forecast length. */
  history?: ForecastHistory | null;
  edge?: EdgeClient | null;
  horizonSteps?: number;
  /** The operator file (--slos-file) and what it declares, to say where each SLO and event comes from. */
  declared?: { file: string; config: DeclaredConfig } | null;
  /** This process's health for GET /healthz; always healthy when not given. */
  health?: () => ProcessHealth;
};

/** Most points one series may return in a single `GET /api/series`. */
const MAX_POINTS = 50_000;

/**
 * The predictor's JSON API (docs/architecture.md, "The predictor's HTTP API"): series, forecasts,
 * SLOs and decisions. Every error, thrown anywhere, leaves through the one `catch` as `{ error, issues? }`.
 */
export function apiRouter(context: ApiContext) {
  const router = Router<IRequest, []>({
    catch: (error: unknown) => {
      if (error instanceof HttpError) return error.toResponse();
      return new InternalError(
        `internal error: ${error instanceof Error ? error.message : String(error)}`,
      ).toResponse();
    },
  });
  router
    .get("/api/healthz", () => Response.json({ ok: true }))
    // The probes' endpoint: 503 while this process cannot do its work (Redis away, worker stopped).
    .get("/healthz", () => healthResponse(context.health?.() ?? { ok: true }))
    .get("/metrics", async (request) => {
      const issues: ValidationIssue[] = [];
      onlyParams(request.query, [], issues);
      rejectIssues(issues);
      const { text, contentType } = await predictorMetrics(context);
      return new Response(text, { headers: { "content-type": contentType, "cache-control": "no-store" } });
    })
    .get("/api/series", async (request) => {
      const issues: ValidationIssue[] = [];
      onlyParams(request.query, ["origin", "metric", "minutes"], issues);
      const filter = seriesFilter(request.query, issues);
      const stepSeconds = context.series.stepSeconds;
      const maxMinutes = Math.floor(Math.min(context.series.retentionSeconds, MAX_POINTS * stepSeconds) / 60);
      const minutes = integerParam(
        request.query,
        "minutes",
        1,
        Math.max(1, maxMinutes),
        Math.min(360, Math.max(1, maxMinutes)),
        issues,
      );
      rejectIssues(issues);
      const now = context.now();
      const all = (await context.series.list()).filter(
        (s) =>
          (filter.origin === undefined || s.origin === filter.origin) &&
          (filter.metric === undefined || s.metric === filter.metric),
      );
      const series = await Promise.all(
        all.map((s) => context.series.window(s.origin, s.metric, now - minutes * 60_000, now)),
      );
      return Response.json({ stepSeconds, series });
    })
    .get("/api/forecasts", async (request) => {
      const issues: ValidationIssue[] = [];
      onlyParams(request.query, ["origin", "metric"], issues);
      const filter = seriesFilter(request.query, issues);
      rejectIssues(issues);
      const { forecasts } = await context.documents.readForecasts();
      return Response.json({
        forecasts: forecasts.filter(
          (f) =>
            (filter.origin === undefined || f.origin === filter.origin) &&
            (filter.metric === undefined || f.metric === filter.metric),
        ),
      });
    })
    .get("/api/slos", async () => {
      const { slos } = await context.documents.readSlos();
      // "file": as the operator file declares it; "override": declared there, changed through
      // the API (kept until Redis loses it); "api": set through the API only.
      const sources = documentSources(slos, context.declared?.config.slos ?? [], (slo) => slo.pool);
      return Response.json({ slos, sources, file: context.declared?.file ?? null });
    })
    .put("/api/slos/:pool", async (request) => {
      const checked = validateSlo(await adminJsonBody(request, context), request.params.pool ?? "");
      if (!checked.ok) throw new BadRequest("invalid SLO", checked.issues);
      await context.documents.writeSlo(checked.value);
      return Response.json({ slo: checked.value });
    })
    .get("/api/events", async (request) => {
      const issues: ValidationIssue[] = [];
      onlyParams(request.query, ["pool"], issues);
      const pool = poolFilter(request.query, issues);
      rejectIssues(issues);
      const { events } = await context.documents.readEvents();
      const shown = events.filter((event) => pool === undefined || event.pool === pool);
      const sources = documentSources(shown, context.declared?.config.events ?? [], (event) => event.id);
      return Response.json({ events: shown, sources, file: context.declared?.file ?? null });
    })
    .put("/api/events/:id", async (request) => {
      const checked = validateScheduledEvent(await adminJsonBody(request, context), request.params.id ?? "");
      if (!checked.ok) throw new BadRequest("invalid scheduled event", checked.issues);
      const now = context.now();
      if (Date.parse(checked.value.end) <= now)
        throw new BadRequest("invalid scheduled event", [
          { path: "end", message: `must be in the future (it is ${new Date(now).toISOString()} now)` },
        ]);
      try {
        const { replaced } = await context.documents.writeEvent(checked.value, now);
        return Response.json({ event: checked.value, replaced }, { status: replaced ? 200 : 201 });
      } catch (error) {
        if (error instanceof ValidationError) throw new Conflict(error.message, error.issues);
        throw error;
      }
    })
    .delete("/api/events/:id", async (request) => {
      requireAdmin(request, context.adminToken);
      const id = request.params.id ?? "";
      // A declared event would be put back at the next check: it is removed from the file.
      if (context.declared?.config.events.some((declared) => declared.id === id))
        throw new HttpError(
          409,
          `scheduled event ${id} is declared in ${context.declared.file}; remove it there (deleting it here would be undone)`,
        );
      const { deleted, event } = await context.documents.deleteEvent(id);
      if (!deleted) throw new NotFound(`no scheduled event ${id}`);
      return Response.json({ deleted: id, event });
    })
    .get("/api/decisions", async (request) => {
      const issues: ValidationIssue[] = [];
      onlyParams(request.query, ["limit", "since", "until", "pool", "origin", "mode", "applied"], issues);
      const limit = integerParam(request.query, "limit", 1, 1000, 100, issues);
      const filter = decisionFilter(request.query, issues);
      rejectIssues(issues);
      return Response.json({ decisions: (await context.documents.readDecisions(limit, filter)).decisions });
    })
    .get("/api/scrape-errors", async (request) => {
      const issues: ValidationIssue[] = [];
      onlyParams(request.query, ["limit"], issues);
      const limit = integerParam(request.query, "limit", 1, 1000, 100, issues);
      rejectIssues(issues);
      // `current`: the sources failing now (a problem is recorded in `errors` once per change).
      const [errors, current] = await Promise.all([
        context.documents.readScrapeErrors(limit),
        context.documents.sourceProblems.list(),
      ]);
      return Response.json({ errors, current });
    });
  addDashboardRoutes(router, {
    series: context.series,
    documents: context.documents,
    adminToken: context.adminToken,
    now: context.now,
    history: context.history ?? null,
    edge: context.edge ?? null,
    horizonSteps: context.horizonSteps ?? 0,
  });
  router.all("*", (request) => {
    // A route that exists under another method answers 405 with the methods it takes.
    const pathname = new URL(request.url).pathname;
    const methods = [
      ...new Set(
        router.routes
          .filter(([method, match]) => method !== "ALL" && match.test(pathname))
          .map(([method]) => method),
      ),
    ];
    if (methods.length > 0)
      throw new MethodNotAllowed(
        `${request.method} is not allowed on ${pathname} (it takes ${methods.join(", ")})`,
        methods,
      );
    throw new NotFound("no such API route");
  });
  return router;
}

/** The JSON body of an admin write: 401/403 without the admin token, 413 over the limit, 400 when
 * it is not JSON. */
async function adminJsonBody(
  request: Request,
  context: Pick<ApiContext, "adminToken" | "maxBodyBytes">,
): Promise<unknown> {
  requireAdmin(request, context.adminToken);
  const body = parseJsonText(await readBody(request, context.maxBodyBytes));
  if (!body.ok) throw new BadRequest("the body is not JSON", body.issues);
  return body.value;
}

/** Reads a request body up to `limit` bytes; more is a 413, whatever Content-Length claimed. */
export async function readBody(request: Request, limit: number): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > limit)
    throw new PayloadTooLarge(`request body of ${declared} bytes exceeds the ${limit}-byte limit`);
  return readBoundedText(
    request.body,
    limit,
    () => new PayloadTooLarge(`request body exceeds the ${limit}-byte limit`),
  );
}
