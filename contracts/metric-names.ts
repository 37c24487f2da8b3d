/** Prometheus metric names exposed by the edge Worker on `/__lb/metrics`. */
export const EDGE_METRICS = {
  requests: "lb_requests_total",
  requestDuration: "lb_request_duration_seconds",
  upstreamErrors: "lb_upstream_errors_total",
  retries: "lb_retries_total",
  ejected: "lb_origin_ejected",
  inflight: "lb_origin_inflight",
  latencyEwma: "lb_origin_latency_ewma_seconds",
  // Extensions (docs/architecture.md, "Metric names"): the resilience state changes.
  healthy: "lb_origin_healthy",
  weight: "lb_origin_effective_weight",
  ejections: "lb_ejections_total",
  panic: "lb_panic",
  rejected: "lb_rejected_total",
  retryBudgetExhausted: "lb_retry_budget_exhausted_total",
  analyticsWriteFailures: "lb_analytics_write_failures_total",
} as const;

/** Prometheus metric names every origin exposes (and the simulator too); the predictor scrapes them. */
export const ORIGIN_METRICS = {
  requests: "http_requests_total",
  requestDuration: "http_request_duration_seconds",
  replicas: "origin_replicas",
  capacityRps: "origin_capacity_rps",
  cpu: "process_cpu_utilization",
} as const;
