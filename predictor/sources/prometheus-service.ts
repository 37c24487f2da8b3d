import type { DocumentStore } from "../store/documents.ts";
import type { SeriesStore } from "../store/series-store.ts";
import type { FetchText } from "./fetch-text.ts";
import { checkQuery, noSeries, queryRange } from "./prometheus-api.ts";
import type { PrometheusSeries, PrometheusSource, RangePoint } from "./prometheus-range.ts";
import type { ScrapeRound } from "./scrape-service.ts";
import { sourceFailed, sourceWorks } from "./source-health.ts";
import { completeSteps, coverageQuery, rangeSelectors } from "./window-coverage.ts";

/** Steps re-read at every pull: Prometheus may still be filling in the latest ones. */
const OVERLAP_STEPS = 5;
/** Steps of window counts read before the pulled range, so their median is the usual count even
 * for a pull of a few steps that falls inside an outage. */
const COVERAGE_CONTEXT_STEPS = 60;

export type PrometheusDeps = {
  fetchText: FetchText;
  series: SeriesStore;
  documents: DocumentStore;
  now: () => number;
  log?: (line: string) => void;
};

/** How a Prometheus series is named in errors, the log and the source problems. */
export function sourceTarget(source: PrometheusSource, item: PrometheusSeries): string {
  return `${source.url} ${item.metric}: ${item.query}`;
}

/**
 * Pulls every configured expression from an existing Prometheus into the series store: a series
 * seen for the first time is backfilled over the whole retention (so models can train at once),
 * after that only the steps since its newest point. Steps whose windows Prometheus did not fully
 * observe stay empty (window-coverage.ts). A failing expression, or one that matches nothing, is
 * a source problem (source-health.ts) and never stops the others.
 */
export async function pullPrometheus(source: PrometheusSource, deps: PrometheusDeps): Promise<ScrapeRound> {
  const round: ScrapeRound = { scraped: 0, failed: 0, points: 0, errors: [] };
  const now = deps.now();
  const end = deps.series.bucketOf(now);
  const stepMs = deps.series.stepMs;
  const oldest = deps.series.bucketOf(now - deps.series.retentionSeconds * 1000) + stepMs;
  for (const item of source.series) {
    const target = sourceTarget(source, item);
    try {
      const latest = await deps.series.latest(item.origin, item.metric);
      const from = latest === null ? oldest : Math.max(oldest, latest - OVERLAP_STEPS * stepMs);
      const points = await completePoints(source, item.query, from, end, deps);
      round.points += await deps.series.write(
        points.map((p) => ({ origin: item.origin, metric: item.metric, t: p.t, value: p.value })),
        now,
      );
      round.scraped++;
      await sourceWorks(deps, target);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      round.failed++;
      round.errors.push({ origin: item.origin, error: message });
      await sourceFailed(deps, { target, origin: item.origin, metric: item.metric, message });
    }
  }
  return round;
}

/** The expression's points over `[from, end]`, without those of partly observed windows. */
async function completePoints(
  source: PrometheusSource,
  query: string,
  from: number,
  end: number,
  deps: PrometheusDeps,
): Promise<RangePoint[]> {
  const step = deps.series.stepSeconds;
  const answer = await queryRange(source, query, from, end, step, deps.fetchText);
  if (answer.series === 0) throw new Error(noSeries(query));
  let points = answer.points;
  const contextFrom = from - COVERAGE_CONTEXT_STEPS * step * 1000;
  for (const selector of rangeSelectors(query)) {
    const coverage = await queryRange(
      source,
      coverageQuery(selector),
      contextFrom,
      end,
      step,
      deps.fetchText,
    );
    const complete = completeSteps(coverage.points);
    points = points.filter((p) => complete.has(p.t));
  }
  return points;
}

/**
 * Checks every expression when the predictor starts (checkQuery: it parses, evaluates, and yields
 * one series within the retention), so a typo is reported at once, in the log and as a source
 * problem, instead of leaving a series that never appears. Returns the problems found.
 */
export async function checkPrometheusQueries(
  source: PrometheusSource,
  deps: Omit<PrometheusDeps, "series"> & { retentionSeconds: number; stepSeconds: number },
): Promise<{ target: string; problem: string }[]> {
  const found: { target: string; problem: string }[] = [];
  // A subquery of at most about a thousand steps, whatever the retention.
  const resolution = Math.max(deps.stepSeconds, Math.ceil(deps.retentionSeconds / 1000));
  for (const item of source.series) {
    const target = sourceTarget(source, item);
    const problem = await checkQuery(
      source,
      item.query,
      deps.now(),
      deps.retentionSeconds,
      resolution,
      deps.fetchText,
    );
    if (problem === null) {
      await sourceWorks(deps, target);
      continue;
    }
    found.push({ target, problem });
    await sourceFailed(deps, { target, origin: item.origin, metric: item.metric, message: problem });
  }
  return found;
}
