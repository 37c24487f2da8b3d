import * as v from "valibot";
import { VIOLATION_BUDGET_RANGE, boundedInteger, boundedNumber, originId } from "../../contracts/index.ts";
import { DEFAULT_TUNING } from "../policy/types.ts";

/** Name of an environment variable that holds a secret (secrets never live in the file). */
const envName = v.pipe(
  v.string("must be a string"),
  v.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name such as LB_ADMIN_TOKEN"),
);

/** True for an absolute http(s) URL without credentials, query or fragment. */
function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (
      (url.protocol === "http:" || url.protocol === "https:") &&
      url.hostname !== "" &&
      url.username === "" &&
      url.password === "" &&
      url.search === "" &&
      url.hash === ""
    );
  } catch {
    return false;
  }
}
const httpUrl = v.pipe(
  v.string("must be a string"),
  v.check(isHttpUrl, "must be an http(s) URL with no credentials, query or fragment"),
);

// Kubernetes object names: namespaces are DNS labels, Deployments DNS subdomains.
const dnsLabel = v.pipe(
  v.string("must be a string"),
  v.regex(
    /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
    "must be a DNS label (lower-case letters, digits and '-', at most 63)",
  ),
);
const dnsSubdomain = v.pipe(
  v.string("must be a string"),
  v.maxLength(253, "must be at most 253 characters"),
  v.regex(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
    "must be a DNS subdomain (lower-case letters, digits, '-' and '.')",
  ),
);

const timeoutMs = v.optional(boundedInteger(100, 120_000));

/** Where a scale-out or scale-in call goes for one origin. */
export const providerConfigSchema = v.variant(
  "kind",
  [
    v.strictObject({ kind: v.literal("webhook"), url: httpUrl, secretEnv: v.optional(envName), timeoutMs }),
    v.strictObject({
      kind: v.literal("kubernetes"),
      namespace: dnsLabel,
      deployment: dnsSubdomain,
      credentials: v.optional(
        v.picklist(["auto", "in-cluster", "kubeconfig"], "must be one of auto, in-cluster, kubeconfig"),
        "auto",
      ),
      kubeconfig: v.optional(v.pipe(v.string("must be a string"), v.minLength(1, "must not be empty"))),
      context: v.optional(v.pipe(v.string("must be a string"), v.minLength(1, "must not be empty"))),
      timeoutMs,
    }),
    v.strictObject({
      kind: v.literal("simulator"),
      url: v.optional(httpUrl),
      tokenEnv: v.optional(envName),
      timeoutMs,
    }),
  ],
  "must be an object whose kind is one of webhook, kubernetes, simulator",
);
export type ProviderConfig = v.InferOutput<typeof providerConfigSchema>;

const scalingFields = {
  rpsPerReplica: boundedNumber(0.001, 1e9),
  minReplicas: boundedInteger(0, 100_000),
  maxReplicas: boundedInteger(1, 100_000),
  bootSeconds: boundedInteger(0, 86_400),
  provider: providerConfigSchema,
};

/** Per-origin scaling settings, each of which may come from `defaults`. */
export const partialScalingSchema = v.strictObject({
  rpsPerReplica: v.optional(scalingFields.rpsPerReplica),
  minReplicas: v.optional(scalingFields.minReplicas),
  maxReplicas: v.optional(scalingFields.maxReplicas),
  bootSeconds: v.optional(scalingFields.bootSeconds),
  provider: v.optional(scalingFields.provider),
});

/** One origin's complete scaling settings after merging `defaults`. */
export const originScalingSchema = v.strictObject(scalingFields);
export type OriginScalingConfig = v.InferOutput<typeof originScalingSchema>;

/** Where the weights overlay is written (and the origin table read). */
export const weightsTargetSchema = v.variant(
  "kind",
  [
    v.strictObject({
      kind: v.literal("worker-admin"),
      url: httpUrl,
      tokenEnv: v.optional(envName, "LB_ADMIN_TOKEN"),
      timeoutMs,
    }),
    v.strictObject({
      kind: v.literal("cloudflare-kv"),
      accountId: v.pipe(
        v.string("must be a string"),
        v.regex(/^[0-9a-f]{32}$/, "must be a 32-character hexadecimal Cloudflare account id"),
      ),
      namespaceId: v.pipe(
        v.string("must be a string"),
        v.regex(/^[0-9a-f]{32}$/, "must be a 32-character hexadecimal KV namespace id"),
      ),
      tokenEnv: v.optional(envName, "CF_API_TOKEN"),
      apiBase: v.optional(httpUrl, "https://api.cloudflare.com/client/v4"),
      timeoutMs,
    }),
  ],
  "must be an object whose kind is one of worker-admin, cloudflare-kv",
);
export type WeightsTargetConfig = v.InferOutput<typeof weightsTargetSchema>;

/** The decision policy's settings; the defaults suit most pools. How it sizes is otherwise the
 * policy's own: each pool's SLO states its one trade-off (docs/scaling-policy.md). */
export const policyTuningSchema = v.strictObject({
  weightHoldSeconds: v.optional(boundedInteger(0, 86_400), DEFAULT_TUNING.weightHoldSeconds),
  maxSpill: v.optional(boundedNumber(0, 1), DEFAULT_TUNING.maxSpill),
  breachStep: v.optional(boundedNumber(0.05, 4), DEFAULT_TUNING.breachStep),
  /** The violation budget of a pool whose SLO states no trade-off: the share of time an origin
   * may run above its target; each origin's sizing quantile adapts to spend it. 0 fixes it. */
  violationBudget: v.optional(
    boundedNumber(VIOLATION_BUDGET_RANGE.min, VIOLATION_BUDGET_RANGE.max),
    DEFAULT_TUNING.violationBudget,
  ),
});

/** The scaler's configuration file (YAML or JSON), as written by the operator. */
export const scalerFileSchema = v.strictObject({
  intervalSeconds: v.optional(boundedInteger(1, 3600), 30),
  overlayTtlSeconds: v.optional(boundedInteger(30, 86_400), 300),
  staleAfterSeconds: v.optional(boundedInteger(10, 86_400), 180),
  weights: weightsTargetSchema,
  policy: v.optional(policyTuningSchema, {}),
  jobs: v.optional(
    v.strictObject({
      attempts: v.optional(boundedInteger(1, 50), 5),
      backoffMs: v.optional(boundedInteger(10, 600_000), 1000),
      concurrency: v.optional(boundedInteger(1, 64), 4),
      /** How long a job's lock lives without renewal: a killed scaler's job is taken over by
       * another process between one and two of these later (BullMQ's default: 30). */
      lockSeconds: v.optional(boundedInteger(5, 600)),
    }),
    {},
  ),
  defaults: v.optional(partialScalingSchema, {}),
  origins: v.optional(v.record(originId, partialScalingSchema), {}),
});
export type ScalerFile = v.InferOutput<typeof scalerFileSchema>;
