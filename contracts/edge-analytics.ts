/**
 * The edge's request analytics in Workers Analytics Engine: one data point per request the
 * Worker proxied (or refused itself), written by the Worker and read back by the predictor's
 * `edge-analytics` source through the SQL API. The column each field lands in is fixed here,
 * once, so the writer and every reader agree (docs/architecture.md, "Edge analytics").
 *
 * Analytics Engine samples at high volume: a row read back may stand for several requests, as its
 * `_sample_interval` column says. Every reader weights by it: `sum(_sample_interval)` counts
 * requests, `quantileWeighted(q, value, _sample_interval)` gives quantiles.
 */

/** The dataset the Worker writes to unless wrangler.toml names another. */
export const DEFAULT_ANALYTICS_DATASET = "headroom_edge_requests";

/** Index (the sampling key) of a request the edge answered without reaching an origin. */
export const EDGE_ANSWERED_INDEX = "(edge)";

/** The SQL column of each field (blobN text, doubleN numbers, index1 the sampling key). */
export const ANALYTICS_COLUMNS = {
  /** The origin's id; EDGE_ANSWERED_INDEX when the edge answered itself. */
  index: "index1",
  /** The pool that served the request ("" when none). */
  pool: "blob1",
  /** The origin that answered last ("" when none). */
  origin: "blob2",
  /** "1xx" .. "5xx". */
  statusClass: "blob3",
  /** "retried" when more than one origin was tried, else "first". */
  retried: "blob4",
  /** The client's ISO country code from request.cf ("" when unknown). */
  country: "blob5",
  /** The Cloudflare location (colo, IATA code) that ran the Worker ("" when unknown). */
  colo: "blob6",
  /** Milliseconds from the request's arrival to the answer's headers, retries included. */
  latencyMs: "double1",
  /** Origins tried (0 when the edge answered itself). */
  tries: "double2",
  /** The HTTP status code the client got. */
  status: "double3",
} as const;

/** One request as the edge reports it. */
export type RequestAnalytics = {
  pool: string;
  origin: string;
  status: number;
  tries: number;
  latencyMs: number;
  country: string;
  colo: string;
};

/** The shape `AnalyticsEngineDataset.writeDataPoint` takes. */
export type AnalyticsDataPoint = { indexes: [string]; blobs: string[]; doubles: number[] };

/** "2xx" for 204, "5xx" for 503. */
export function statusClass(status: number): string {
  return `${Math.min(5, Math.max(1, Math.floor(status / 100)))}xx`;
}

/** The data point of one request, its fields in the columns ANALYTICS_COLUMNS names. */
export function requestDataPoint(request: RequestAnalytics): AnalyticsDataPoint {
  return {
    indexes: [request.origin === "" ? EDGE_ANSWERED_INDEX : request.origin],
    blobs: [
      request.pool,
      request.origin,
      statusClass(request.status),
      request.tries > 1 ? "retried" : "first",
      request.country,
      request.colo,
    ],
    doubles: [request.latencyMs, request.tries, request.status],
  };
}

/** What Analytics Engine accepts as a dataset name (and what a SQL query may name unquoted). */
export const ANALYTICS_DATASET_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
