import * as v from "valibot";
import {
  ANALYTICS_COLUMNS,
  ANALYTICS_DATASET_NAME,
  EDGE_ANSWERED_INDEX,
} from "../../contracts/edge-analytics.ts";
import { validateWith } from "../../contracts/validation.ts";

/** One origin's traffic in one step, as the edge saw it (sampling already weighted out). */
export type EdgeStepRow = {
  origin: string;
  /** Start of the step, epoch ms. */
  t: number;
  /** Requests the rows stand for: the sum of their `_sample_interval`. */
  requests: number;
  /** Of which answered with a 5xx. */
  errors: number;
  /** 95th percentile of the edge's latency, weighted by `_sample_interval`; null when unknown. */
  p95Ms: number | null;
};

/** 'YYYY-MM-DD hh:mm:ss' in UTC, as Analytics Engine's DateTime literals are written. */
function dateTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace("T", " ");
}

/**
 * The SQL for every origin's requests, 5xx answers and p95 latency per step over
 * `[fromMs, toMs)`: each row weighted by its `_sample_interval` (Analytics Engine samples at
 * high volume), grouped by origin (index1) and step start. Requests the edge answered itself
 * have no origin and are left out. `dataset` must match ANALYTICS_DATASET_NAME (it is not
 * quoted); the numbers are built here, so nothing a caller passes reaches the SQL unchecked.
 */
export function edgeSeriesSql(dataset: string, fromMs: number, toMs: number, stepSeconds: number): string {
  if (!ANALYTICS_DATASET_NAME.test(dataset))
    throw new Error(`not a dataset name: ${JSON.stringify(dataset)}`);
  if (!Number.isInteger(stepSeconds) || stepSeconds < 1) throw new Error(`bad step: ${stepSeconds}`);
  const c = ANALYTICS_COLUMNS;
  return [
    `SELECT ${c.index} AS origin,`,
    `  intDiv(toUInt32(timestamp), ${stepSeconds}) * ${stepSeconds} AS t,`,
    `  sum(_sample_interval) AS requests,`,
    `  sum(if(${c.statusClass} = '5xx', _sample_interval, 0)) AS errors,`,
    `  quantileWeighted(0.95, ${c.latencyMs}, _sample_interval) AS p95_ms`,
    `FROM ${dataset}`,
    `WHERE timestamp >= toDateTime('${dateTime(fromMs)}') AND timestamp < toDateTime('${dateTime(toMs)}')`,
    `  AND ${c.index} != '${EDGE_ANSWERED_INDEX}'`,
    `GROUP BY origin, t`,
    `ORDER BY t, origin`,
    `FORMAT JSON`,
  ].join("\n");
}

// ClickHouse's JSON output quotes 64-bit integers ("12") and writes NaN and infinities as
// strings or null; every number is read through `numeric`.
const numberLike = v.union([v.number(), v.string(), v.null()]);
const answerSchema = v.object({
  meta: v.array(v.object({ name: v.string(), type: v.string() })),
  data: v.array(
    v.object({
      origin: v.string(),
      t: numberLike,
      requests: numberLike,
      errors: numberLike,
      p95_ms: numberLike,
    }),
  ),
  rows: v.optional(v.number()),
});

function numeric(value: number | string | null): number | null {
  if (value === null) return null;
  const n = typeof value === "number" ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}

/** Reads the SQL API's JSON answer to `edgeSeriesSql` into rows; a malformed answer says what. */
export function parseEdgeSeriesAnswer(text: string): EdgeStepRow[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`the SQL API answered something that is not JSON: ${text.slice(0, 120)}`);
  }
  const checked = validateWith(answerSchema, json);
  if (!checked.ok)
    throw new Error(
      `unexpected SQL API answer: ${checked.issues.map((i) => `${i.path || "(root)"}: ${i.message}`).join("; ")}`,
    );
  const rows: EdgeStepRow[] = [];
  for (const row of checked.value.data) {
    const t = numeric(row.t);
    const requests = numeric(row.requests);
    if (t === null || requests === null || requests <= 0) continue;
    rows.push({
      origin: row.origin,
      t: t * 1000,
      requests,
      errors: Math.min(requests, Math.max(0, numeric(row.errors) ?? 0)),
      p95Ms: numeric(row.p95_ms),
    });
  }
  return rows;
}

/** Why the SQL API refused, in words an operator can act on. `status` 0 means unreachable. */
export function sqlApiProblem(status: number, body: string, dataset: string, account: string): string {
  const snippet = body.slice(0, 200).replace(/\s+/g, " ").trim();
  if (status === 401 || status === 403)
    return `the SQL API refused the API token (HTTP ${status}): it must be valid and allowed "Account Analytics: Read" on account ${account}${snippet ? ` (${snippet})` : ""}`;
  if (status === 404)
    return `the SQL API answered HTTP 404 for account ${account}: is the account id right?${snippet ? ` (${snippet})` : ""}`;
  if (/unknown (table|dataset)|table .* (does not|doesn't) exist|UNKNOWN_TABLE/i.test(body))
    return `the dataset "${dataset}" is unknown to account ${account}: the Worker has not written to it yet, or wrangler.toml's analytics_engine_datasets names another (${snippet})`;
  return `the SQL API answered HTTP ${status}${snippet ? `: ${snippet}` : ""}`;
}
