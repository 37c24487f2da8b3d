import { originId, validateWith } from "../../contracts/index.ts";
import type { DocumentStore } from "../store/documents.ts";
import type { SeriesPoint, SeriesStore } from "../store/series-store.ts";
import { edgeSeriesSql, parseEdgeSeriesAnswer, sqlApiProblem } from "./edge-analytics-sql.ts";
import type { EdgeStepRow } from "./edge-analytics-sql.ts";
import type { ScrapeRound } from "./scrape-service.ts";
import { sourceFailed, sourceWorks } from "./source-health.ts";
import type { PostSql } from "./sql-api-client.ts";

/** Where the edge's Analytics Engine dataset is and how to read it (predictor/config). */
export type EdgeAnalyticsSource = {
  /** The Cloudflare API base, https://api.cloudflare.com/client/v4 unless a test says otherwise. */
  apiUrl: string;
  accountId: string;
  dataset: string;
  token: string;
  timeoutMs: number;
  /** How long after a step ends its data points are taken to have arrived (ingestion delay). */
  settleMs: number;
  /** How far back the first pull of a process reads (capped by the series retention). */
  backfillMs: number;
};

export type EdgeAnalyticsDeps = {
  postSql: PostSql;
  series: SeriesStore;
  documents: DocumentStore;
  now: () => number;
  log: (line: string) => void;
};

/** Steps re-read at every pull: late data points fill them in (a bucket written again is replaced). */
const OVERLAP_STEPS = 5;
/** Steps per query, so no answer grows without bound during a backfill. */
const STEPS_PER_QUERY = 720;
/** The largest answer accepted. */
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

/** The series points of one step's row: request rate, 5xx share and p95, as the scraper writes
 * them. Like a scrape (and PromQL's rate), a point is stamped with the end of the step it
 * measures, so both sources put the same traffic in the same bucket. */
export function pointsOfRow(row: EdgeStepRow, stepSeconds: number): SeriesPoint[] {
  const t = row.t + stepSeconds * 1000;
  const points: SeriesPoint[] = [
    { origin: row.origin, metric: "rps", t, value: row.requests / stepSeconds },
    { origin: row.origin, metric: "error_rate", t, value: row.errors / row.requests },
  ];
  if (row.p95Ms !== null && row.p95Ms >= 0)
    points.push({ origin: row.origin, metric: "p95_ms", t, value: row.p95Ms });
  return points;
}

/**
 * The `edge-analytics` source: per-origin request rate, 5xx share and p95 latency read from the
 * edge's Analytics Engine dataset through the SQL API, one point per origin and step. Only
 * steps that have ended (and settled) are read: the step still filling would read as a drop. A
 * step in which the edge saw no request of an origin has no row, so it stays a gap. A refused
 * or failed query is a source problem (source-health.ts) and the round ends; other sources go on.
 */
export class EdgeAnalyticsPuller {
  private backfilled = false;

  constructor(
    private readonly source: EdgeAnalyticsSource,
    private readonly deps: EdgeAnalyticsDeps,
  ) {}

  /** How the source is named in scrape errors and source problems. */
  get target(): string {
    return `edge-analytics ${this.url} dataset ${this.source.dataset}`;
  }

  /** The endpoint queries go to. */
  get url(): string {
    return `${this.source.apiUrl.replace(/\/+$/, "")}/accounts/${this.source.accountId}/analytics_engine/sql`;
  }

  /** Reads the steps since the last pull (the whole backfill on a process's first) into the series store. */
  async pull(): Promise<ScrapeRound> {
    const { series } = this.deps;
    const round: ScrapeRound = { scraped: 0, failed: 0, points: 0, errors: [] };
    const now = this.deps.now();
    const stepMs = series.stepMs;
    const end = series.bucketOf(now - this.source.settleMs);
    const oldest = series.bucketOf(now - series.retentionSeconds * 1000) + stepMs;
    const from = this.backfilled
      ? end - OVERLAP_STEPS * stepMs
      : Math.max(oldest, series.bucketOf(end - this.source.backfillMs));
    try {
      for (let chunk = from; chunk < end; chunk += STEPS_PER_QUERY * stepMs) {
        const to = Math.min(end, chunk + STEPS_PER_QUERY * stepMs);
        const rows = await this.query(chunk, to);
        const points = rows.flatMap((row) =>
          validateWith(originId, row.origin).ok ? pointsOfRow(row, series.stepSeconds) : [],
        );
        round.points += await series.write(points, now);
      }
      this.backfilled = true;
      round.scraped++;
      await sourceWorks(this.deps, this.target);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      round.failed++;
      round.errors.push({ origin: "*", error: message });
      // A source problem like the others': current in /api/scrape-errors and /metrics while it
      // lasts, in the log and the scrape-errors stream once per change (origin "*": every origin).
      await sourceFailed(this.deps, { target: this.target, origin: "*", message });
    }
    return round;
  }

  private async query(fromMs: number, toMs: number): Promise<EdgeStepRow[]> {
    const { source } = this;
    const answer = await this.deps.postSql({
      url: this.url,
      token: source.token,
      sql: edgeSeriesSql(source.dataset, fromMs, toMs, this.deps.series.stepSeconds),
      timeoutMs: source.timeoutMs,
      maxBytes: MAX_ANSWER_BYTES,
    });
    if (answer.status !== 200)
      throw new Error(sqlApiProblem(answer.status, answer.body, source.dataset, source.accountId));
    // A row of the step still filling can only come from a clock ahead of ours: never written.
    return parseEdgeSeriesAnswer(answer.body).filter((row) => row.t >= fromMs && row.t < toMs);
  }
}
