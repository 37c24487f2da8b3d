// The contracts shared by the edge, the predictor and the scaler: schemas (with their derived
// types), constants and pure helpers. Runtime-agnostic: no I/O, no Node built-ins.
export * from "./validation.ts";
export * from "./names.ts";
export * from "./origin-table.ts";
export * from "./resilience.ts";
export * from "./weights-overlay.ts";
export * from "./health-report.ts";
export * from "./series.ts";
export * from "./forecast.ts";
export * from "./slo.ts";
export * from "./decision.ts";
export * from "./capacity.ts";
export * from "./redis-keys.ts";
export * from "./metric-names.ts";
export * from "./admin-api.ts";
export * from "./trace-csv.ts";
export * from "./random.ts";
export * from "./simulator-scale.ts";
export * from "./scaler-heartbeat.ts";
export * from "./scheduled-event.ts";
export * from "./redis-epoch.ts";
