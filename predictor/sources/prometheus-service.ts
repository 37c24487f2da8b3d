import type { DocumentStore } from "../store/documents.ts";
import type { SeriesStore } from "../store/series-store.ts";
import type { FetchText } from "./fetch-text.ts";
import type { PrometheusSource } from "./prometheus-range.ts";
import { queryRange } from "./prometheus-range.ts";
import type { ScrapeRound } from "./scrape-service.ts";

/** Steps re-read at every pull: Prometheus may still be filling in the latest ones. */
const OVERLAP_STEPS = 5;

export type PrometheusDeps = {
  fetchText: FetchText;
  series: SeriesStore;
  documents: DocumentStore;
  now: () => number;
};

/**
 * Pulls every configured expression from an existing Prometheus into the series store: a series
 * seen for the first time is backfilled over the whole retention (so models can train at once),
 * after that only the steps since its newest point. A failing expression is recorded as a scrape
 * error and never stops the others.
 */
export async function pullPrometheus(source: PrometheusSource, deps: PrometheusDeps): Promise<ScrapeRound> {
  const round: ScrapeRound = { scraped: 0, failed: 0, points: 0, errors: [] };
  const now = deps.now();
  const end = deps.series.bucketOf(now);
  const stepMs = deps.series.stepMs;
  const oldest = deps.series.bucketOf(now - deps.series.retentionSeconds * 1000) + stepMs;
  for (const item of source.series) {
    try {
      const latest = await deps.series.latest(item.origin, item.metric);
      const from = latest === null ? oldest : Math.max(oldest, latest - OVERLAP_STEPS * stepMs);
      const points = await queryRange(source, item.query, from, end, deps.series.stepSeconds, deps.fetchText);
      round.points += await deps.series.write(
        points.map((p) => ({ origin: item.origin, metric: item.metric, t: p.t, value: p.value })),
        now,
      );
      round.scraped++;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      round.failed++;
      round.errors.push({ origin: item.origin, error: message });
      await deps.documents.recordScrapeError({
        at: now,
        target: `${source.url} ${item.metric}: ${item.query}`,
        origin: item.origin,
        message,
      });
    }
  }
  return round;
}
