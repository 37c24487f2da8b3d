import type { MetricName } from "../../contracts/index.ts";
import type { DocumentStore } from "../store/documents.ts";
import type { ScrapeStateStore } from "../store/scrape-state.ts";
import type { SeriesPoint, SeriesStore } from "../store/series-store.ts";
import { derivePoints } from "./derive-points.ts";
import { parseExposition } from "./exposition.ts";
import { formatOfContentType } from "./exposition-format.ts";
import type { FetchText } from "./fetch-text.ts";
import { originSampleOf } from "./origin-sample.ts";
import { sourceFailed, sourceWorks } from "./source-health.ts";

/** One origin's metrics endpoint. */
export type ScrapeTarget = {
  origin: string;
  url: string;
  timeoutMs: number;
  headers?: Record<string, string>;
};

export type ScrapeDeps = {
  fetchText: FetchText;
  series: SeriesStore;
  documents: DocumentStore;
  state: ScrapeStateStore;
  now: () => number;
  /** Largest exposition accepted, in bytes. */
  maxBytes: number;
  log?: (line: string) => void;
};

/** The outcome of one scrape round. */
export type ScrapeRound = {
  scraped: number;
  failed: number;
  points: number;
  errors: { origin: string; error: string }[];
};

/**
 * Scrapes every target at once. A target that answers garbage, times out or is gone is a source
 * problem (source-health.ts: the log and the scrape-errors stream hear of it once per change) and
 * is skipped: it never stops the others, and its series simply get no point this step (a gap).
 */
export async function scrapeTargets(
  targets: readonly ScrapeTarget[],
  deps: ScrapeDeps,
): Promise<ScrapeRound> {
  const round: ScrapeRound = { scraped: 0, failed: 0, points: 0, errors: [] };
  const results = await Promise.allSettled(targets.map((target) => scrapeOne(target, deps)));
  for (const [i, result] of results.entries()) {
    const target = targets[i];
    if (!target) continue;
    if (result.status === "fulfilled") {
      round.scraped++;
      round.points += result.value;
      await sourceWorks(deps, target.url);
      continue;
    }
    round.failed++;
    const message = result.reason instanceof Error ? result.reason.message : String(result.reason);
    round.errors.push({ origin: target.origin, error: message });
    await sourceFailed(deps, { target: target.url, origin: target.origin, message });
  }
  return round;
}

async function scrapeOne(target: ScrapeTarget, deps: ScrapeDeps): Promise<number> {
  const at = deps.now();
  const answer = await deps.fetchText(target.url, {
    timeoutMs: target.timeoutMs,
    headers: target.headers,
    maxBytes: deps.maxBytes,
  });
  // Read with the parser Prometheus would choose for this Content-Type.
  const families = parseExposition(answer.text, {
    format: formatOfContentType(answer.contentType),
    invalidUtf8: answer.invalidUtf8,
  });
  const sample = originSampleOf(families, at);
  const hasAny =
    Object.keys(sample.requests).length > 0 ||
    Object.keys(sample.durations).length > 0 ||
    sample.cpu !== undefined ||
    sample.replicas !== undefined;
  if (!hasAny)
    throw new Error(
      "the exposition has none of the origin metrics (http_requests_total, http_request_duration_seconds, process_cpu_utilization, origin_replicas)",
    );
  const previous = await deps.state.get(target.url);
  // Rates over more than three steps would smear an outage into one point: start afresh.
  const derived = derivePoints(previous, sample, 3 * deps.series.stepMs + 1_000);
  const points: SeriesPoint[] = Object.entries(derived).map(([metric, value]) => ({
    origin: target.origin,
    metric: metric as MetricName,
    t: at,
    value,
  }));
  const written = await deps.series.write(points, at);
  if (sample.replicas !== undefined) {
    const capacity = {
      at: new Date(at).toISOString(),
      replicas: Math.max(0, Math.round(sample.replicas)),
      ...(sample.capacityRps !== undefined && sample.capacityRps >= 0
        ? { capacityRps: sample.capacityRps }
        : {}),
    };
    await deps.series.writeCapacity(target.origin, capacity, at, at);
  }
  // A scrape that answered late, after a newer one was stored, must not turn the clock back.
  if (!previous || previous.at < sample.at) await deps.state.set(target.url, sample);
  return written;
}
