import * as v from "valibot";
import type { Validated, ValidationIssue } from "../../contracts/index.ts";
import { boundedInteger, boundedNumber, MODEL_KINDS, validateWith } from "../../contracts/index.ts";
import { DEFAULT_FLEET } from "../simulator/default-fleet.ts";
import type { FleetSpec, OriginSpec } from "../simulator/fleet-spec.ts";
import { resolveOriginSpecs, validateFleetSpec } from "../simulator/fleet-spec.ts";

const positive = (max: number) =>
  v.pipe(
    v.number("must be a number"),
    v.finite("must be a finite number"),
    v.gtValue(0, "must be more than 0"),
    v.maxValue(max, `must be at most ${max}`),
  );
const port = (max: number) => boundedInteger(0, max);

/** Where the replayed trace comes from. `points` is for code (tests): a trace already in hand. */
const traceSchema = v.variant(
  "kind",
  [
    v.strictObject({
      kind: v.literal("generated"),
      days: v.optional(positive(366), 14),
      flashCrowds: v.optional(boundedInteger(0, 100), 1),
    }),
    v.strictObject({
      kind: v.literal("csv"),
      file: v.pipe(v.string("must be a string"), v.minLength(1, "must name a file")),
      column: v.optional(v.string()),
    }),
    v.strictObject({
      kind: v.literal("points"),
      points: v.pipe(
        v.array(v.strictObject({ t: v.number(), value: v.number() })),
        v.minLength(2, "must hold at least 2 points"),
      ),
      description: v.optional(v.string(), "a trace given in code"),
    }),
  ],
  "must be an object whose kind is generated, csv or points",
);

const sloSchema = v.strictObject({
  targetUtilization: v.optional(boundedNumber(0.05, 1), 0.6),
  leadSeconds: v.optional(boundedInteger(0, 86_400), 30),
  scaleInCooldownSeconds: v.optional(boundedInteger(0, 86_400), 120),
  p95LatencyMs: v.optional(boundedNumber(1, 600_000), 750),
  maxErrorRate: v.optional(boundedNumber(0, 1), 0.01),
});

/** Every setting of the local stack, each with its default (see docs/local-stack.md). */
export const stackSettingsSchema = v.strictObject({
  redisUrl: v.optional(
    v.pipe(v.string(), v.regex(/^rediss?:\/\/\S+$/, "must be a redis:// or rediss:// URL")),
    "redis://127.0.0.1:6379",
  ),
  /** Prefix of every Redis key (and queue) of the stack; its keys from an earlier run are
   * cleared at start. Default: a fresh random one, whose keys are deleted again at stop. */
  prefix: v.optional(
    v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1-64 letters, digits, '_' or '-'")),
  ),
  /** How the Worker runs: in workerd through Miniflare with wrangler.toml's [env.dev] (default),
   * or under `wrangler dev` itself, whose development proxy can end the run (see edge-runner.ts). */
  edgeRuntime: v.optional(
    v.picklist(["miniflare", "wrangler-dev"], "must be miniflare or wrangler-dev"),
    "miniflare",
  ),
  edgePort: v.optional(port(55_535), 8787),
  /** Port of the V8 inspector of the Worker's isolate (Miniflare runtime only; default: none). */
  edgeInspectorPort: v.optional(boundedInteger(1, 65_535)),
  predictorPort: v.optional(port(65_535), 8090),
  /** Port of the scaler's status server (/metrics, /healthz). */
  scalerPort: v.optional(port(65_535), 8091),
  /** First origin's port (the fleet's own basePort, else 9101, when absent). */
  originBasePort: v.optional(port(65_535)),
  /** A fleet spec (infra/simulator); default: 4 pools x 2 origins. */
  fleet: v.optional(v.unknown()),
  trace: v.optional(traceSchema, { kind: "generated", days: 14, flashCrowds: 1 }),
  /** Trace time (epoch ms) the replay starts at; default: a Tuesday 04:00 of a generated trace,
   * else a week in (halfway for traces under two weeks). */
  startAt: v.optional(boundedNumber(0, 8.64e15)),
  speed: v.optional(positive(1e6), 60),
  peakRps: v.optional(positive(100_000), 250),
  loop: v.optional(v.boolean(), true),
  /** Real seconds of traffic (default: until stopped, or to the end of a trace that does not loop). */
  durationSeconds: v.optional(positive(1e9)),
  stepSeconds: v.optional(boundedInteger(1, 300), 5),
  backfillSeconds: v.optional(boundedInteger(0, 30 * 86_400), 7_200),
  retentionSeconds: v.optional(boundedInteger(60, 400 * 86_400), 9_000),
  bootDelaySeconds: v.optional(boundedInteger(0, 3_600), 15),
  horizonSeconds: v.optional(boundedInteger(1, 86_400), 120),
  slo: v.optional(sloSchema, {}),
  scalerIntervalSeconds: v.optional(boundedInteger(1, 3_600), 5),
  retrainIntervalSeconds: v.optional(boundedInteger(60, 30 * 86_400), 1_800),
  healthCheckSeconds: v.optional(positive(3_600), 5),
  /** Model kinds the predictor trains. The LSTM trains the load (rps) series only, in a predictor
   * process of its own at a lower priority (stack-services.ts), so its tens of seconds of CPU per
   * series never hold up the traffic, the Worker or the forecasts. */
  models: v.optional(
    v.pipe(
      v.array(v.picklist(MODEL_KINDS, `must be one of ${MODEL_KINDS.join(", ")}`)),
      v.minLength(1, "must list at least one model kind"),
    ),
    ["seasonal-naive", "holt-winters", "lstm"],
  ),
  /** Bounded for the demo: the first LSTM forecasts within minutes on two shared cores. */
  lstmEpochs: v.optional(boundedInteger(1, 1_000), 20),
  /** Bearer token of the Worker's and the predictor's admin APIs (default: a random one). */
  adminToken: v.optional(v.pipe(v.string(), v.minLength(16, "must be at least 16 characters"))),
  seed: v.optional(boundedInteger(0, 2 ** 32 - 1), 1),
  replayConcurrency: v.optional(boundedInteger(1, 100_000), 256),
});

/** What a caller may set (everything optional). */
export type StackSettingsInput = v.InferInput<typeof stackSettingsSchema>;
type ParsedSettings = v.InferOutput<typeof stackSettingsSchema>;

/** The settings with every default applied and the fleet resolved. */
export type StackSettings = Omit<ParsedSettings, "fleet"> & {
  fleet: FleetSpec;
  origins: OriginSpec[];
  /** Forecast length in steps. */
  horizonSteps: number;
};

/** The fewest steps the predictor needs before it trains a series (its own rule). */
export function pointsToTrain(horizonSteps: number): number {
  return 4 * horizonSteps + 10;
}

/**
 * Validates the settings and resolves the fleet (the stack's boot delay and base port applied as
 * the fleet's defaults), then checks what only makes sense together: the SLO lead covers every
 * origin's boot, the forecast reaches past the lead, the history suffices to train at once and
 * fits in the retention. Every problem is reported with its path.
 */
export function resolveStackSettings(input: unknown): Validated<StackSettings> {
  const parsed = validateWith(stackSettingsSchema, input ?? {});
  if (!parsed.ok) return parsed;
  const { fleet: fleetInput, ...s } = parsed.value;
  const base = (fleetInput ?? DEFAULT_FLEET) as Record<string, unknown>;
  const baseDefaults =
    typeof base.defaults === "object" && base.defaults !== null
      ? (base.defaults as Record<string, unknown>)
      : {};
  const fleetChecked = validateFleetSpec({
    ...base,
    ...(s.originBasePort !== undefined ? { basePort: s.originBasePort } : {}),
    defaults: { bootDelaySeconds: s.bootDelaySeconds, ...baseDefaults },
  });
  if (!fleetChecked.ok)
    return {
      ok: false,
      issues: fleetChecked.issues.map((issue) => ({
        path: issue.path === "basePort" ? "originBasePort" : `fleet.${issue.path}`,
        message: issue.message,
      })),
    };
  const origins = resolveOriginSpecs(fleetChecked.value);
  if (!origins.ok)
    return {
      ok: false,
      issues: origins.issues.map((issue) => ({ path: `fleet.${issue.path}`, message: issue.message })),
    };

  const issues: ValidationIssue[] = [];
  const step = s.stepSeconds;
  const horizonSteps = Math.max(1, Math.round(s.horizonSeconds / step));
  const slowestBoot = Math.max(...origins.value.map((origin) => origin.bootDelaySeconds));
  if (s.slo.leadSeconds < slowestBoot)
    issues.push({
      path: "slo.leadSeconds",
      message: `must be at least the slowest origin's boot delay (${slowestBoot} s): the scaler must ask for replicas before the load needs them`,
    });
  const neededHorizon = Math.ceil((s.slo.leadSeconds + 2 * step) / step);
  if (horizonSteps < neededHorizon)
    issues.push({
      path: "horizonSeconds",
      message: `must reach past the SLO lead plus two steps (at least ${neededHorizon * step} s with a ${s.slo.leadSeconds} s lead and ${step} s steps)`,
    });
  const historySteps = Math.floor(s.backfillSeconds / step);
  if (s.backfillSeconds > 0 && historySteps < pointsToTrain(horizonSteps))
    issues.push({
      path: "backfillSeconds",
      message: `must hold at least ${pointsToTrain(horizonSteps)} steps (${pointsToTrain(horizonSteps) * step} s) for the first models to train at once with a ${horizonSteps}-step horizon, or be 0`,
    });
  if (s.backfillSeconds >= s.retentionSeconds)
    issues.push({
      path: "backfillSeconds",
      message: `must be shorter than the retention (${s.retentionSeconds} s)`,
    });
  if (s.retentionSeconds < 10 * step)
    issues.push({ path: "retentionSeconds", message: `must hold at least 10 steps (${10 * step} s)` });
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, value: { ...s, fleet: fleetChecked.value, origins: origins.value, horizonSteps } };
}
