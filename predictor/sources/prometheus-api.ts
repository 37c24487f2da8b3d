import * as v from "valibot";
import { validateWith } from "../../contracts/index.ts";
import { FetchError } from "./fetch-text.ts";
import type { FetchText } from "./fetch-text.ts";
import type { PrometheusSource, RangePoint } from "./prometheus-range.ts";
import { MAX_POINTS_PER_QUERY, parseRangeResponse } from "./prometheus-range.ts";

/** The most of an answer read: a range query of 11,000 points per series stays far below it. */
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

const errorBody = v.object({
  status: v.literal("error"),
  errorType: v.optional(v.string()),
  error: v.optional(v.string()),
});
const instantBody = v.object({
  status: v.literal("success"),
  data: v.object({
    resultType: v.string(),
    result: v.array(v.object({ metric: v.optional(v.record(v.string(), v.string())) })),
  }),
});

/**
 * Calls one endpoint of Prometheus's HTTP API and returns the answer's text. When Prometheus
 * refuses (bad PromQL answers 400 with a JSON body), the error says so in its own words, whole:
 * `Prometheus refused <query>: bad_data: 1:14: parse error: ...`.
 */
async function callApi(
  source: PrometheusSource,
  path: string,
  params: Record<string, string>,
  query: string,
  fetchText: FetchText,
): Promise<string> {
  const url = new URL(path, source.url.endsWith("/") ? source.url : `${source.url}/`);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  try {
    const { text } = await fetchText(url.toString(), {
      timeoutMs: source.timeoutMs,
      headers: source.headers,
      maxBytes: MAX_ANSWER_BYTES,
    });
    return text;
  } catch (error) {
    const refusal = error instanceof FetchError && error.body ? prometheusRefusal(error.body) : null;
    if (refusal) throw new Error(`Prometheus refused ${query}: ${refusal}`, { cause: error });
    throw error;
  }
}

/** `errorType: error` from a Prometheus error body, or null when the body is not one. */
export function prometheusRefusal(body: string): string | null {
  try {
    const checked = validateWith(errorBody, JSON.parse(body));
    if (!checked.ok) return null;
    // The instant-query endpoint adds `invalid parameter "query": ` where query_range does not;
    // without it a bad query reads the same from both (and is reported once, not twice).
    const message = (checked.value.error ?? "(no message)").replace(/^invalid parameter "query": /, "");
    return `${checked.value.errorType ?? "error"}: ${message}`;
  } catch {
    return null;
  }
}

/**
 * Runs `query_range` for one expression over `[startMs, endMs]` at `stepSeconds`, in chunks under
 * Prometheus's point limit; `series` counts the series Prometheus answered (0: the expression
 * matches nothing). NaN and infinite samples are dropped (gaps). An expression that yields
 * several series is refused, naming the fix.
 */
export async function queryRange(
  source: PrometheusSource,
  query: string,
  startMs: number,
  endMs: number,
  stepSeconds: number,
  fetchText: FetchText,
): Promise<{ points: RangePoint[]; series: number }> {
  const points: RangePoint[] = [];
  let series = 0;
  const chunkMs = (MAX_POINTS_PER_QUERY - 1) * stepSeconds * 1000;
  for (let from = startMs; from <= endMs; from += chunkMs + stepSeconds * 1000) {
    const to = Math.min(endMs, from + chunkMs);
    const params = { query, start: String(from / 1000), end: String(to / 1000), step: `${stepSeconds}s` };
    const answer = parseRangeResponse(
      await callApi(source, "api/v1/query_range", params, query, fetchText),
      query,
    );
    points.push(...answer.points);
    series = Math.max(series, answer.series);
  }
  return { points, series };
}

/**
 * Checks one expression the way the predictor will use it, through Prometheus's API: that it
 * parses and evaluates now, and that it yields exactly one series at some time within the last
 * `lookbackSeconds` (a subquery at `resolutionSeconds`). Resolves to null when it does, to what is
 * wrong otherwise (Prometheus's own words for bad PromQL).
 */
export async function checkQuery(
  source: PrometheusSource,
  query: string,
  nowMs: number,
  lookbackSeconds: number,
  resolutionSeconds: number,
  fetchText: FetchText,
): Promise<string | null> {
  const time = String(nowMs / 1000);
  try {
    await callApi(source, "api/v1/query", { query, time }, query, fetchText);
    const wrapped = `count_over_time((${query})[${lookbackSeconds}s:${resolutionSeconds}s])`;
    const text = await callApi(source, "api/v1/query", { query: wrapped, time }, query, fetchText);
    const checked = validateWith(instantBody, JSON.parse(text));
    if (!checked.ok) return `unexpected Prometheus answer when checking ${query}`;
    const found = checked.value.data.result.length;
    if (found === 0) return noSeries(query);
    if (found > 1)
      return `${query} yields ${found} series; aggregate it to one (for example sum(...) or sum by () (...))`;
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** The error for an expression that matches nothing, with the usual causes. The same words at
 * start and at every pull, so it is reported once while it lasts. */
export function noSeries(query: string): string {
  return `${query} returns no series: check the metric name and labels (a typo matches nothing), and that Prometheus scrapes the origin`;
}
