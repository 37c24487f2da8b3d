import * as v from "valibot";
import type { Validated, ValidationIssue } from "../../contracts/index.ts";
import {
  boundedInteger,
  boundedNumber,
  fieldsOf,
  MAX_ORIGIN_WEIGHT,
  originId,
  poolName,
  tableReferenceIssues,
  validateWith,
} from "../../contracts/index.ts";

const settingsEntries = {
  /** Requests per second one replica serves at 100 % utilisation. */
  capacityPerReplicaRps: v.pipe(
    v.number("must be a number"),
    v.finite("must be a finite number"),
    v.gtValue(0, "must be more than 0"),
    v.maxValue(1_000_000, "must be at most 1000000"),
  ),
  /** Requests one replica serves at the same time (c of M/M/c is replicas x this). */
  workersPerReplica: boundedInteger(1, 10_000),
  /** Replicas at start. */
  initialReplicas: boundedInteger(0, 100_000),
  /** Fewest replicas the scale endpoint accepts. */
  minReplicas: boundedInteger(0, 100_000),
  /** Most replicas the scale endpoint accepts. */
  maxReplicas: boundedInteger(0, 100_000),
  /** Seconds from a scale-up to the new replicas serving. */
  bootDelaySeconds: boundedNumber(0, 86_400),
  /** Work the waiting room holds at full capacity, in ms; beyond it requests get 503. */
  maxQueueDelayMs: boundedNumber(0, 600_000),
  /** Operator weight written into the origin table. */
  weight: boundedNumber(0, MAX_ORIGIN_WEIGHT),
};

/** Defaults of every origin: 20 rps per replica, one request at a time (50 ms mean service),
 * 2 replicas (1 to 10), 15 s to boot, about a second of queue. */
export const DEFAULT_ORIGIN_SETTINGS: OriginSettings = {
  capacityPerReplicaRps: 20,
  workersPerReplica: 1,
  initialReplicas: 2,
  minReplicas: 1,
  maxReplicas: 10,
  bootDelaySeconds: 15,
  maxQueueDelayMs: 1000,
  weight: 100,
};

const partialSettings = v.partial(v.strictObject(settingsEntries));
const originSpecSchema = v.strictObject({ id: originId, ...partialSettings.entries });

const poolSpecSchema = v.strictObject({
  name: poolName,
  /** A human name of where it runs, for listings. */
  city: v.pipe(v.string("must be a string"), v.maxLength(100, "must be at most 100 characters")),
  location: v.strictObject({ lat: boundedNumber(-90, 90), lon: boundedNumber(-180, 180) }),
  countries: v.optional(
    v.array(
      v.pipe(
        v.string("must be a string"),
        v.regex(/^[A-Z]{2}$/, "must be an upper-case ISO-3166 alpha-2 code"),
      ),
    ),
  ),
  fallback: v.optional(poolName),
  origins: v.pipe(
    v.array(originSpecSchema, "must be a list of origins"),
    v.minLength(1, "must list at least one origin"),
  ),
});

/** A fleet of simulated origins: where they listen, shared defaults, and pools of origins. */
export const fleetSpecSchema = v.strictObject({
  /** Loopback address to listen on. */
  host: v.optional(
    v.pipe(
      v.string(),
      v.check(
        (h) => /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h === "::1" || h === "localhost",
        "must be a loopback address (127.x.x.x, ::1 or localhost)",
      ),
    ),
    "127.0.0.1",
  ),
  /** Port of the first origin; the others follow in order. 0 picks free ports. */
  basePort: v.optional(boundedInteger(0, 65_535), 9101),
  /** Settings applied to every origin unless it sets its own. */
  defaults: v.optional(partialSettings, {}),
  pools: v.pipe(
    v.array(poolSpecSchema, "must be a list of pools"),
    v.minLength(1, "must list at least one pool"),
  ),
});

export type OriginSettings = v.InferOutput<v.ObjectSchema<typeof settingsEntries, undefined>>;
export type FleetSpecInput = v.InferInput<typeof fleetSpecSchema>;
export type FleetSpec = v.InferOutput<typeof fleetSpecSchema>;
/** One origin with every setting resolved. */
export type OriginSpec = OriginSettings & { id: string; pool: string };

/** Resolves each origin's settings (its own, else the fleet's defaults, else the built-in ones)
 * and checks what the schema cannot: min <= initial <= max, ports in range. */
export function resolveOriginSpecs(fleet: FleetSpec): Validated<OriginSpec[]> {
  const issues: ValidationIssue[] = [];
  const specs: OriginSpec[] = [];
  fleet.pools.forEach((pool, p) => {
    pool.origins.forEach((origin, o) => {
      const spec: OriginSpec = { ...DEFAULT_ORIGIN_SETTINGS, ...fleet.defaults, ...origin, pool: pool.name };
      const path = `pools[${p}].origins[${o}]`;
      if (spec.minReplicas > spec.maxReplicas)
        issues.push({
          path: `${path}.minReplicas`,
          message: `must not exceed maxReplicas (${spec.maxReplicas})`,
        });
      if (spec.initialReplicas < spec.minReplicas || spec.initialReplicas > spec.maxReplicas)
        issues.push({
          path: `${path}.initialReplicas`,
          message: `must be within minReplicas..maxReplicas (${spec.minReplicas}..${spec.maxReplicas})`,
        });
      specs.push(spec);
    });
  });
  if (fleet.basePort !== 0 && fleet.basePort + specs.length - 1 > 65_535)
    issues.push({ path: "basePort", message: `leaves no room for ${specs.length} origins below port 65535` });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value: specs };
}

/** Validates a fleet spec: its shape and the pools' names, ids and fallbacks as the origin table
 * it makes will need them, and each origin's settings once the shape is right; every problem
 * found in one pass. */
export function validateFleetSpec(input: unknown): Validated<FleetSpec> {
  const shaped = validateWith(fleetSpecSchema, input);
  const references = tableReferenceIssues({ pools: fieldsOf(input).pools });
  if (!shaped.ok) return { ok: false, issues: [...shaped.issues, ...references] };
  const resolved = resolveOriginSpecs(shaped.value);
  const issues = [...(resolved.ok ? [] : resolved.issues), ...references];
  return issues.length > 0 ? { ok: false, issues } : shaped;
}
