import * as v from "valibot";
import type { MetricName } from "../../contracts/index.ts";
import { validateWith } from "../../contracts/index.ts";
import { parseGoFloat } from "./go-float.ts";

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

/** Reads a `query_range` JSON answer: its points and how many series it held. */
export function parseRangeResponse(text: string, query: string): { points: RangePoint[]; series: number } {
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
  return { points, series: result.length };
}
