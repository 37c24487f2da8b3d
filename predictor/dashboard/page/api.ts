import type {
  CapacitySample,
  Decision,
  Forecast,
  MetricName,
  RedisEpoch,
  ScalerHeartbeat,
  ScheduledEvent,
  SeriesWindow,
  Slo,
  ValidationIssue,
} from "../../../contracts/index.ts";
import type { SourceProblem } from "../../../contracts/source-problem.ts";
import type { ReviewAccuracy, ReviewPoint } from "../../forecasting/forecast-review.ts";
import type { SloSources } from "./slo-source.ts";

/** `GET /api/info`: the predictor's settings the page needs. */
export type Info = {
  now: string;
  stepSeconds: number;
  retentionSeconds: number;
  horizonSteps: number;
  history: { leadSteps: number; leadSeconds: number; retentionSeconds: number } | null;
  edge: { configured: boolean };
  writes: boolean;
  /** The scaler's last evaluation, when one was ever recorded. */
  scaler: ScalerHeartbeat | null;
  /** When the data in Redis began, and whether it replaced data that was lost. */
  redisEpoch: RedisEpoch | null;
};

/** One series of `GET /api/forecast-history`. */
export type ReviewedSeries = {
  origin: string;
  metric: MetricName;
  points: ReviewPoint[];
  accuracy: ReviewAccuracy | null;
};
export type DecisionEntry = Decision & { streamId: string };
export type ScrapeError = { id: string; at: string; target: string; origin: string; error: string };
export type { SourceProblem } from "../../../contracts/source-problem.ts";

/** An answer other than 2xx: its status, the API's message and, for a 400, every issue. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues: ValidationIssue[] = [],
  ) {
    super(message);
    this.name = "ApiError";
  }
}

async function request<T>(path: string, init?: RequestInit): Promise<T> {
  let response: Response;
  try {
    const headers = new Headers(init?.headers);
    headers.set("accept", "application/json");
    response = await fetch(path, { ...init, headers, cache: "no-store" });
  } catch (error) {
    throw new ApiError(
      0,
      `cannot reach the predictor (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!response.ok) {
    const error = isRecord(body) && typeof body.error === "string" ? body.error : `HTTP ${response.status}`;
    const issues = isRecord(body) && Array.isArray(body.issues) ? body.issues.filter(isIssue) : [];
    throw new ApiError(response.status, error, issues);
  }
  return body as T;
}

const query = (params: Record<string, string | number | boolean | undefined>) => {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params))
    if (value !== undefined) search.set(name, String(value));
  return search.toString();
};

/** The predictor's API, as the page uses it. */
export const api = {
  info: () => request<Info>("/api/info"),
  origins: async () => [
    ...new Set(
      (await request<{ series: SeriesWindow[] }>("/api/series?minutes=1")).series.map((s) => s.origin),
    ),
  ],
  series: (origin: string, minutes: number) =>
    request<{ stepSeconds: number; series: SeriesWindow[] }>(`/api/series?${query({ origin, minutes })}`),
  forecasts: (origin: string) => request<{ forecasts: Forecast[] }>(`/api/forecasts?${query({ origin })}`),
  capacity: (origin: string, minutes: number) =>
    request<{ capacity: { origin: string; samples: CapacitySample[] }[] }>(
      `/api/capacity?${query({ origin, minutes })}`,
    ),
  history: (origin: string, minutes: number) =>
    request<{ stepSeconds: number; leadSteps: number; leadSeconds: number; series: ReviewedSeries[] }>(
      `/api/forecast-history?${query({ origin, minutes })}`,
    ),
  decisions: (filter: { pool?: string; since?: number; mode?: string; applied?: boolean; limit?: number }) =>
    request<{ decisions: DecisionEntry[] }>(
      `/api/decisions?${query({ ...filter, since: filter.since === undefined ? undefined : Math.floor(filter.since) })}`,
    ),
  scrapeErrors: (limit: number) =>
    request<{ errors: ScrapeError[]; current?: SourceProblem[] }>(`/api/scrape-errors?${query({ limit })}`),
  slos: () => request<{ slos: Slo[] } & SloSources>("/api/slos"),
  putSlo: (pool: string, body: Record<string, unknown>, token: string) =>
    request<{ slo: Slo }>(`/api/slos/${encodeURIComponent(pool)}`, {
      method: "PUT",
      body: JSON.stringify(body),
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    }),
  events: (pool: string) => request<{ events: ScheduledEvent[] }>(`/api/events?${query({ pool })}`),
  putEvent: (id: string, body: Record<string, unknown>, token: string) =>
    request<{ event: ScheduledEvent; replaced: boolean }>(`/api/events/${encodeURIComponent(id)}`, {
      method: "PUT",
      body: JSON.stringify(body),
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    }),
  deleteEvent: (id: string, token: string) =>
    request<{ deleted: string }>(`/api/events/${encodeURIComponent(id)}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${token}` },
    }),
  edgeStatus: () => request<unknown>("/api/edge/status"),
  edgeTable: () => request<unknown>("/api/edge/table"),
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isIssue(value: unknown): value is ValidationIssue {
  return isRecord(value) && typeof value.path === "string" && typeof value.message === "string";
}
