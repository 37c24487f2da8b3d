import * as v from "valibot";
import type { MetricName } from "../../contracts/index.ts";
import { validateWith } from "../../contracts/index.ts";
import { parseGoFloat } from "./exposition.ts";
import type { FetchText } from "./fetch-text.ts";

/** One series read from an existing Prometheus: a PromQL expression that yields one series. */
export type PrometheusSeries = { origin: string; metric: MetricName; query: string };

/** Where the Prometheus server is and what to read from it. */
export type PrometheusSource = {
  url: string;
  timeoutMs: number;
  headers?: Record<string, string>;
  series: PrometheusSeries[];
};

/** Prometheus refuses a range query of more than 11,000 points per series. */
export const MAX_POINTS_PER_QUERY = 11_000;

const responseSchema = v.variant("status", [
  v.object({
    status: v.literal("success"),
    data: v.object({
      resultType: v.literal("matrix", "must be a range vector (matrix)"),
      result: v.array(
        v.object({
          metric: v.record(v.string(), v.string()),
          values: v.array(v.tuple([v.number(), v.string()])),
        }),
      ),
    }),
  }),
  v.object({ status: v.literal("error"), errorType: v.optional(v.string()), error: v.optional(v.string()) }),
]);

/** One point read back; `t` is epoch ms. */
export type RangePoint = { t: number; value: number };

/**
 * Runs `query_range` for one expression over `[startMs, endMs]` at `stepSeconds`, in chunks under
 * Prometheus's point limit. NaN and infinite samples are dropped (gaps). An expression that yields
 * several series is refused, naming the fix (aggregate it, e.g. `sum(...)`).
 */
export async function queryRange(
  source: PrometheusSource,
  query: string,
  startMs: number,
  endMs: number,
  stepSeconds: number,
  fetchText: FetchText,
): Promise<RangePoint[]> {
  const points: RangePoint[] = [];
  const chunkMs = (MAX_POINTS_PER_QUERY - 1) * stepSeconds * 1000;
  for (let from = startMs; from <= endMs; from += chunkMs + stepSeconds * 1000) {
    const to = Math.min(endMs, from + chunkMs);
    const url = new URL("api/v1/query_range", source.url.endsWith("/") ? source.url : `${source.url}/`);
    url.searchParams.set("query", query);
    url.searchParams.set("start", String(from / 1000));
    url.searchParams.set("end", String(to / 1000));
    url.searchParams.set("step", `${stepSeconds}s`);
    const text = await fetchText(url.toString(), {
      timeoutMs: source.timeoutMs,
      headers: source.headers,
      maxBytes: 64 * 1024 * 1024,
    });
    points.push(...parseRangeResponse(text, query));
  }
  return points;
}

/** Reads a `query_range` JSON answer (exported for tests). */
export function parseRangeResponse(text: string, query: string): RangePoint[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`Prometheus answered something that is not JSON for ${query}: ${text.slice(0, 120)}`);
  }
  const checked = validateWith(responseSchema, json);
  if (!checked.ok)
    throw new Error(
      `unexpected Prometheus answer for ${query}: ${checked.issues.map((i) => `${i.path || "(root)"}: ${i.message}`).join("; ")}`,
    );
  const body = checked.value;
  if (body.status === "error")
    throw new Error(
      `Prometheus refused ${query}: ${body.errorType ?? "error"}: ${body.error ?? "(no message)"}`,
    );
  const result = body.data.result;
  if (result.length > 1)
    throw new Error(
      `${query} yields ${result.length} series; aggregate it to one (for example sum(...) or sum by () (...))`,
    );
  const points: RangePoint[] = [];
  for (const [seconds, text] of result[0]?.values ?? []) {
    const value = parseGoFloat(text);
    if (value !== null && Number.isFinite(value)) points.push({ t: Math.round(seconds * 1000), value });
  }
  return points;
}
