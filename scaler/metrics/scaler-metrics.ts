import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";
import type { Decision } from "../../contracts/index.ts";

/** How a scale or apply-weights attempt ended. */
export type CallResult = "applied" | "superseded" | "retrying" | "failed";

/**
 * The scaler's own Prometheus metrics, per process: what it evaluated, decided and asked for,
 * and how those calls ended. Several scaler processes share the work, so a deployment's totals
 * are the sum over its processes; `scaler_last_evaluation_timestamp_seconds` is the newest
 * evaluation this process ran (the deployment's is the maximum over them).
 */
export class ScalerMetrics {
  readonly registry = new Registry();
  private readonly evaluations = new Counter({
    name: "scaler_evaluations_total",
    help: "Evaluate jobs this process ran, by outcome (evaluated, or skipped while another process held the lock)",
    labelNames: ["outcome"] as const,
    registers: [this.registry],
  });
  private readonly lastEvaluation = new Gauge({
    name: "scaler_last_evaluation_timestamp_seconds",
    help: "Unix time of the last evaluation this process completed",
    registers: [this.registry],
  });
  private readonly decisions = new Counter({
    name: "scaler_decisions_total",
    help: "Decisions recorded in the decision stream, by pool, action, mode and whether they were applied",
    labelNames: ["pool", "action", "mode", "applied"] as const,
    registers: [this.registry],
  });
  private readonly scaleRequests = new Counter({
    name: "scaler_scale_requests_total",
    help: "Replica changes asked of a provider, by origin and result (applied, superseded, retrying, failed)",
    labelNames: ["origin", "result"] as const,
    registers: [this.registry],
  });
  private readonly weightWrites = new Counter({
    name: "scaler_weight_writes_total",
    help: "Weights overlays written to the edge, by result (applied, retrying, failed)",
    labelNames: ["result"] as const,
    registers: [this.registry],
  });
  private readonly jobFailures = new Counter({
    name: "scaler_job_failures_total",
    help: "Failed job attempts, by job name and whether the job failed for good",
    labelNames: ["job", "final"] as const,
    registers: [this.registry],
  });

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics === true) collectDefaultMetrics({ register: this.registry });
  }

  private lastEvaluationMs: number | null = null;

  evaluated(atMs: number): void {
    this.evaluations.inc({ outcome: "evaluated" });
    this.lastEvaluation.set(atMs / 1000);
    this.lastEvaluationMs = atMs;
  }

  /** When this process last completed an evaluation (ISO-8601), or null. */
  lastEvaluationAt(): string | null {
    return this.lastEvaluationMs === null ? null : new Date(this.lastEvaluationMs).toISOString();
  }

  skipped(): void {
    this.evaluations.inc({ outcome: "skipped" });
  }

  recorded(decision: Decision): void {
    this.decisions.inc({
      pool: decision.pool,
      action: decision.action,
      mode: decision.mode,
      applied: String(decision.applied),
    });
  }

  scaleRequest(origin: string, result: CallResult): void {
    this.scaleRequests.inc({ origin, result });
  }

  weightWrite(result: Exclude<CallResult, "superseded">): void {
    this.weightWrites.inc({ result });
  }

  jobFailed(job: string, final: boolean): void {
    this.jobFailures.inc({ job, final: String(final) });
  }

  /** The exposition text and its content type. */
  async exposition(): Promise<{ text: string; contentType: string }> {
    return { text: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}
