import * as v from "valibot";
import { parse as parseYaml } from "yaml";
import type { ValidationIssue } from "../../contracts/index.ts";
import { fieldsOf, itemsOf, metricName, originId, validateWith } from "../../contracts/index.ts";
import type { PrometheusSource } from "../sources/prometheus-range.ts";
import type { ScrapeTarget } from "../sources/scrape-service.ts";

// Credentials go in `headers`: a URL is shown in scrape errors (and on the dashboard), so one
// carrying a password would publish it.
const httpUrl = v.pipe(
  v.string("must be a string"),
  v.check((text) => {
    try {
      const url = new URL(text);
      return (
        (url.protocol === "http:" || url.protocol === "https:") && url.username === "" && url.password === ""
      );
    } catch {
      return false;
    }
  }, "must be an http(s) URL without credentials (send them in headers, e.g. authorization)"),
);
const seconds = v.pipe(
  v.number("must be a number of seconds"),
  v.finite(),
  v.minValue(0.1, "must be at least 0.1"),
  v.maxValue(600, "must be at most 600"),
);
// Messages never echo a value: header values are often credentials.
const headers = v.record(
  v.string("must be a header name"),
  v.string("must be a string (quote it)"),
  "must be a map of header names to values",
);

/** Schema of the targets file: which endpoints to scrape for which origin, and optionally an
 * existing Prometheus to read series from with one PromQL expression each. */
export const targetsFileSchema = v.strictObject({
  scrapeTimeoutSeconds: v.optional(seconds),
  targets: v.optional(
    v.array(
      v.strictObject({
        url: httpUrl,
        origin: originId,
        timeoutSeconds: v.optional(seconds),
        headers: v.optional(headers),
      }),
    ),
    [],
  ),
  prometheus: v.optional(
    v.strictObject({
      url: httpUrl,
      timeoutSeconds: v.optional(seconds),
      headers: v.optional(headers),
      series: v.pipe(
        v.array(
          v.strictObject({
            origin: originId,
            metric: metricName,
            query: v.pipe(v.string(), v.minLength(1, "must not be empty")),
          }),
        ),
        v.minLength(1, "must list at least one series"),
      ),
    }),
  ),
});

/** Two targets for one origin, or two Prometheus series for one origin and metric, would write
 * the same series. Read from the document as it is, so they are listed with any other problem. */
function duplicateIssues(raw: unknown): ValidationIssue[] {
  const text = (value: unknown, key: string): string | undefined => {
    const field = fieldsOf(value)[key];
    return typeof field === "string" ? field : undefined;
  };
  const issues: ValidationIssue[] = [];
  const check = (
    items: unknown[],
    at: string,
    keyOf: (item: unknown) => string | undefined,
    field: string,
    what: string,
  ) => {
    const first = new Map<string, number>();
    items.forEach((item, i) => {
      const key = keyOf(item);
      if (key === undefined) return;
      const earlier = first.get(key);
      if (earlier === undefined) first.set(key, i);
      else issues.push({ path: `${at}[${i}].${field}`, message: `${what} (also ${at}[${earlier}])` });
    });
  };
  check(
    itemsOf(fieldsOf(raw).targets),
    "targets",
    (t) => text(t, "origin"),
    "origin",
    "has a target already: each origin has one, its aggregated metrics endpoint",
  );
  const series = itemsOf(fieldsOf(fieldsOf(raw).prometheus).series);
  check(
    series,
    "prometheus.series",
    (s) => {
      const origin = text(s, "origin");
      const metric = text(s, "metric");
      return origin !== undefined && metric !== undefined ? `${origin}\u0000${metric}` : undefined;
    },
    "metric",
    "is read for this origin already: one query per origin and metric",
  );
  return issues;
}

export type TargetsFile = v.InferOutput<typeof targetsFileSchema>;

/** Parses a targets file (YAML, which includes JSON) into scrape targets and a Prometheus source. */
export function parseTargetsFile(
  text: string,
  defaultTimeoutSeconds = 5,
):
  | { ok: true; targets: ScrapeTarget[]; prometheus: PrometheusSource | null }
  | { ok: false; issues: ValidationIssue[] } {
  let raw: unknown;
  try {
    raw = parseYaml(text) as unknown;
  } catch (error) {
    return {
      ok: false,
      issues: [
        {
          path: "",
          message: `not valid YAML/JSON: ${error instanceof Error ? error.message : String(error)}`,
        },
      ],
    };
  }
  const checked = validateWith(targetsFileSchema, raw ?? {});
  const issues = [...(checked.ok ? [] : checked.issues), ...duplicateIssues(raw)];
  if (!checked.ok || issues.length > 0) return { ok: false, issues };
  const file = checked.value;
  const timeout = file.scrapeTimeoutSeconds ?? defaultTimeoutSeconds;
  const targets = file.targets.map((t) => ({
    origin: t.origin,
    url: t.url,
    timeoutMs: Math.round((t.timeoutSeconds ?? timeout) * 1000),
    ...(t.headers ? { headers: t.headers } : {}),
  }));
  const p = file.prometheus;
  const prometheus = p
    ? {
        url: p.url,
        timeoutMs: Math.round((p.timeoutSeconds ?? 10) * 1000),
        series: p.series,
        ...(p.headers ? { headers: p.headers } : {}),
      }
    : null;
  return { ok: true, targets, prometheus };
}
