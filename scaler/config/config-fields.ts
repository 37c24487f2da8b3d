/**
 * What each field of the scaler's configuration file means, for docs/configuration.md
 * (`npm run docs:config`). Defaults come from scalerFileSchema (and DEFAULT_TUNING) unless a row
 * says otherwise; `origins.<id>.*` are the fields of partialScalingSchema. A field of the schema
 * without a row here stops the generator, so a new field is documented when it is added.
 */
export const SCALER_FILE_FIELDS: Readonly<Record<string, { help: string; default?: string }>> = {
  intervalSeconds: {
    help: "how often the `evaluate` job runs; each evaluation sizes for the forecast from the lead until the next one's",
  },
  overlayTtlSeconds: {
    help: "an overlay's lifetime (`expiresAt`); a shifted overlay is rewritten at half-life, so a dead scaler's weights lapse",
  },
  staleAfterSeconds: { help: "observations and capacity samples older than this are ignored" },
  weights: {
    default: "required",
    help:
      "where the table is read and the overlay written: `{ kind: worker-admin, url, tokenEnv: LB_ADMIN_TOKEN }` or " +
      "`{ kind: cloudflare-kv, accountId, namespaceId, tokenEnv: CF_API_TOKEN, apiBase }` (docs/scaler.md)",
  },
  "policy.weightHoldSeconds": { help: "a weight shift is held this long after it was last needed" },
  "policy.maxSpill": { help: "largest share of a pool ever spilled to its fallback pool" },
  "policy.breachStep": {
    help: "share of replicas added when the observed p95 or error rate already breaks the SLO",
  },
  "policy.violationBudget": {
    help: "the trade-off of a pool whose SLO states none: share of time an origin may run above its target where sizing could have prevented it (0 to 0.5; 0 sizes at a fixed quantile)",
  },
  "jobs.attempts": { help: "tries per job" },
  "jobs.backoffMs": { help: "first retry delay; it doubles each time" },
  "jobs.concurrency": { help: "jobs one scaler process runs at once" },
  "jobs.lockSeconds": {
    default: "30",
    help: "how long a job's lock lives without renewal: a killed scaler's job is taken over within one to two of these",
  },
  defaults: { default: "{}", help: "merged into every origin below" },
  "origins.<id>.rpsPerReplica": { default: "required", help: "load one replica carries at 100 %" },
  "origins.<id>.minReplicas": { default: "required", help: "fewest replicas" },
  "origins.<id>.maxReplicas": { default: "required", help: "most replicas" },
  "origins.<id>.bootSeconds": { default: "required", help: "from a scale-out to the replicas serving" },
  "origins.<id>.provider": {
    default: "required",
    help: "where replica changes go: `simulator`, `webhook` or `kubernetes` (docs/scaler.md)",
  },
};
