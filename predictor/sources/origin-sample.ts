import { ORIGIN_METRICS } from "../../contracts/index.ts";
import type { MetricFamily, Sample } from "./exposition.ts";

/** The raw counters and gauges of one scrape of an origin, as kept between scrapes (in Redis, so
 * that whichever worker scrapes next can take the difference). */
export type OriginSample = {
  /** Epoch ms of the scrape. */
  at: number;
  /** `http_requests_total` per label set: its `code` and counter value. */
  requests: Record<string, { code: string; value: number }>;
  /** `http_request_duration_seconds` per label set (without `le`): cumulative bucket counts. */
  durations: Record<string, { buckets: Record<string, number>; count: number }>;
  /** `process_cpu_utilization` (0..1), averaged over its label sets, when exported. */
  cpu?: number;
  replicas?: number;
  capacityRps?: number;
};

/** A stable key for a label set (sorted names), leaving out `omit`. */
export function labelKey(labels: Record<string, string>, omit: readonly string[] = []): string {
  return Object.keys(labels)
    .filter((k) => !omit.includes(k))
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(",");
}

/** Picks the origin metrics out of a parsed exposition. NaN samples are ignored, and so are
 * counter and bucket values no counter can take (negative or infinite): a broken origin's page
 * must not become a negative request rate. */
export function originSampleOf(families: Map<string, MetricFamily>, at: number): OriginSample {
  const samples: Sample[] = [];
  for (const family of families.values()) samples.push(...family.samples);
  const named = (name: string) => samples.filter((s) => s.name === name && !Number.isNaN(s.value));
  const counted = (name: string) => named(name).filter((s) => Number.isFinite(s.value) && s.value >= 0);
  const sample: OriginSample = { at, requests: {}, durations: {} };
  for (const s of counted(ORIGIN_METRICS.requests)) {
    sample.requests[labelKey(s.labels)] = { code: s.labels.code ?? "", value: s.value };
  }
  const histogram = ORIGIN_METRICS.requestDuration;
  for (const s of counted(`${histogram}_bucket`)) {
    const le = s.labels.le;
    if (le === undefined) continue;
    const entry = (sample.durations[labelKey(s.labels, ["le"])] ??= { buckets: {}, count: 0 });
    entry.buckets[normaliseLe(le)] = s.value;
  }
  for (const s of counted(`${histogram}_count`)) {
    const entry = sample.durations[labelKey(s.labels)];
    if (entry) entry.count = s.value;
  }
  const mean = (list: Sample[]) =>
    list.length > 0 ? list.reduce((a, s) => a + s.value, 0) / list.length : undefined;
  const sum = (list: Sample[]) => (list.length > 0 ? list.reduce((a, s) => a + s.value, 0) : undefined);
  const cpu = mean(named(ORIGIN_METRICS.cpu));
  const replicas = sum(named(ORIGIN_METRICS.replicas));
  const capacityRps = sum(named(ORIGIN_METRICS.capacityRps));
  if (cpu !== undefined && Number.isFinite(cpu)) sample.cpu = cpu;
  if (replicas !== undefined && Number.isFinite(replicas)) sample.replicas = replicas;
  if (capacityRps !== undefined && Number.isFinite(capacityRps)) sample.capacityRps = capacityRps;
  return sample;
}

/** `le="0.1"`, `le="0.10"` and `le="1e-1"` are one bucket. */
function normaliseLe(le: string): string {
  const value = le.trim().toLowerCase() === "+inf" ? Number.POSITIVE_INFINITY : Number(le);
  return Number.isNaN(value) ? le : String(value);
}
