import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import type { ValidationIssue } from "../../contracts/index.ts";
import { ValidationError, fieldsOf, validateWith } from "../../contracts/index.ts";
import type { OriginScalingConfig, ScalerFile } from "./config-schema.ts";
import { withoutRetiredFields } from "./retired-fields.ts";
import {
  originScalingSchema,
  providerConfigSchema,
  scalerFileSchema,
  weightsTargetSchema,
} from "./config-schema.ts";

/** The scaler's validated configuration, with every origin's settings complete. */
export type ScalerConfig = Omit<ScalerFile, "defaults" | "origins"> & {
  origins: Record<string, OriginScalingConfig>;
};

/** Environment variables, injected so tests never depend on the process's. */
export type Env = Readonly<Record<string, string | undefined>>;

const REQUIRED_FIELDS = ["rpsPerReplica", "minReplicas", "maxReplicas", "bootSeconds", "provider"] as const;

/** Validates a parsed configuration document: shape, defaults merged into every origin, ranges
 * across fields, and the presence of every secret it names in `env`. Collects every problem:
 * the checks across fields run on whatever the document holds even when its shape is wrong, so
 * one run lists everything to fix. A field that is no longer a setting is named with where its
 * job went. */
export function validateScalerConfig(
  raw: unknown,
  env: Env,
): { ok: true; value: ScalerConfig } | { ok: false; issues: ValidationIssue[] } {
  const { document: input, issues: retired } = withoutRetiredFields(raw);
  const shaped = validateWith(scalerFileSchema, input);
  const issues: ValidationIssue[] = [...retired, ...(shaped.ok ? [] : shaped.issues)];
  const document = fieldsOf(input);
  const defaults = fieldsOf(document.defaults);
  const origins: Record<string, OriginScalingConfig> = {};
  for (const [id, partial] of Object.entries(fieldsOf(document.origins))) {
    const path = `origins[${JSON.stringify(id)}]`;
    const combined = { ...defaults, ...fieldsOf(partial) };
    const missing = REQUIRED_FIELDS.filter((field) => combined[field] === undefined);
    for (const field of missing)
      issues.push({ path: `${path}.${field}`, message: "is required (set it here or in defaults)" });
    const { minReplicas, maxReplicas } = combined;
    if (typeof minReplicas === "number" && typeof maxReplicas === "number" && minReplicas > maxReplicas)
      issues.push({ path: `${path}.minReplicas`, message: `must not exceed maxReplicas (${maxReplicas})` });
    issues.push(...secretIssues(`${path}.provider`, combined.provider, providerConfigSchema, env));
    if (!shaped.ok || missing.length > 0) continue;
    // Each field was already checked by the file schema; this only narrows the type.
    const merged = validateWith(originScalingSchema, {
      ...shaped.value.defaults,
      ...shaped.value.origins[id],
    });
    if (merged.ok) origins[id] = merged.value;
  }
  issues.push(...secretIssues("weights", document.weights, weightsTargetSchema, env));
  if (!shaped.ok || issues.length > 0) return { ok: false, issues };
  const { defaults: _defaults, origins: _raw, ...rest } = shaped.value;
  return { ok: true, value: { ...rest, origins } };
}

/** The environment variables a provider or writer reads its secret from (its own or the
 * default one) must be set. A target whose own shape is wrong is left to the schema's issues. */
function secretIssues(
  path: string,
  input: unknown,
  schema: typeof providerConfigSchema | typeof weightsTargetSchema,
  env: Env,
): ValidationIssue[] {
  const checked = validateWith(schema, input);
  if (!checked.ok) return [];
  const target = checked.value;
  const names: [string, string | undefined][] = [];
  if (target.kind === "webhook") names.push(["secretEnv", target.secretEnv]);
  if (target.kind === "simulator" || target.kind === "worker-admin" || target.kind === "cloudflare-kv")
    names.push(["tokenEnv", target.tokenEnv]);
  return names.flatMap(([field, name]) =>
    name !== undefined && (env[name] ?? "") === ""
      ? [{ path: `${path}.${field}`, message: `names the environment variable ${name}, which is not set` }]
      : [],
  );
}

/** Reads and validates the configuration file (YAML or JSON); throws a ValidationError listing
 * every problem with its path, or naming the file when it cannot be read or parsed. */
export async function loadScalerConfig(file: string, env: Env): Promise<ScalerConfig> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new ValidationError(`scaler configuration ${file}`, [
      { path: "", message: `cannot be read: ${error instanceof Error ? error.message : String(error)}` },
    ]);
  }
  let document: unknown;
  try {
    document = parseYaml(text, { prettyErrors: true });
  } catch (error) {
    throw new ValidationError(`scaler configuration ${file}`, [
      {
        path: "",
        message: `is not valid YAML or JSON: ${error instanceof Error ? error.message : String(error)}`,
      },
    ]);
  }
  const result = validateScalerConfig(document ?? {}, env);
  if (!result.ok) throw new ValidationError(`scaler configuration ${file}`, result.issues);
  return result.value;
}
