import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import type { ValidationIssue } from "../../contracts/index.ts";
import { ValidationError, validateWith } from "../../contracts/index.ts";
import type { OriginScalingConfig, ProviderConfig, ScalerFile, WeightsTargetConfig } from "./config-schema.ts";
import { originScalingSchema, scalerFileSchema } from "./config-schema.ts";

/** The scaler's validated configuration, with every origin's settings complete. */
export type ScalerConfig = Omit<ScalerFile, "defaults" | "origins"> & { origins: Record<string, OriginScalingConfig> };

/** Environment variables, injected so tests never depend on the process's. */
export type Env = Readonly<Record<string, string | undefined>>;

const REQUIRED_FIELDS = ["rpsPerReplica", "minReplicas", "maxReplicas", "bootSeconds", "provider"] as const;

/** Validates a parsed configuration document: shape, defaults merged into every origin, ranges
 * across fields, and the presence of every secret it names in `env`. Collects every problem. */
export function validateScalerConfig(input: unknown, env: Env): { ok: true; value: ScalerConfig } | { ok: false; issues: ValidationIssue[] } {
  const shaped = validateWith(scalerFileSchema, input);
  if (!shaped.ok) return shaped;
  const file = shaped.value;
  const issues: ValidationIssue[] = [];
  const origins: Record<string, OriginScalingConfig> = {};
  for (const [id, partial] of Object.entries(file.origins)) {
    const path = `origins[${JSON.stringify(id)}]`;
    const combined = { ...file.defaults, ...partial };
    const missing = REQUIRED_FIELDS.filter((field) => combined[field] === undefined);
    for (const field of missing) issues.push({ path: `${path}.${field}`, message: "is required (set it here or in defaults)" });
    // Each field was already checked by the file schema; this only narrows the type.
    const merged = validateWith(originScalingSchema, combined);
    if (missing.length > 0 || !merged.ok) continue;
    const scaling = merged.value;
    if (scaling.minReplicas > scaling.maxReplicas) issues.push({ path: `${path}.minReplicas`, message: `must not exceed maxReplicas (${scaling.maxReplicas})` });
    issues.push(...secretIssues(`${path}.provider`, scaling.provider, env));
    origins[id] = scaling;
  }
  issues.push(...secretIssues("weights", file.weights, env));
  if (issues.length > 0) return { ok: false, issues };
  const { defaults: _defaults, origins: _raw, ...rest } = file;
  return { ok: true, value: { ...rest, origins } };
}

/** The environment variables a provider or writer reads its secret from must be set. */
function secretIssues(path: string, target: ProviderConfig | WeightsTargetConfig, env: Env): ValidationIssue[] {
  const names: [string, string | undefined][] = [];
  if (target.kind === "webhook") names.push(["secretEnv", target.secretEnv]);
  if (target.kind === "simulator") names.push(["tokenEnv", target.tokenEnv]);
  if (target.kind === "worker-admin" || target.kind === "cloudflare-kv") names.push(["tokenEnv", target.tokenEnv]);
  return names.flatMap(([field, name]) =>
    name !== undefined && (env[name] ?? "") === "" ? [{ path: `${path}.${field}`, message: `names the environment variable ${name}, which is not set` }] : [],
  );
}

/** Reads and validates the configuration file (YAML or JSON); throws a ValidationError listing
 * every problem with its path, or naming the file when it cannot be read or parsed. */
export async function loadScalerConfig(file: string, env: Env): Promise<ScalerConfig> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new ValidationError(`scaler configuration ${file}`, [{ path: "", message: `cannot be read: ${error instanceof Error ? error.message : String(error)}` }]);
  }
  let document: unknown;
  try {
    document = parseYaml(text, { prettyErrors: true });
  } catch (error) {
    throw new ValidationError(`scaler configuration ${file}`, [{ path: "", message: `is not valid YAML or JSON: ${error instanceof Error ? error.message : String(error)}` }]);
  }
  const result = validateScalerConfig(document ?? {}, env);
  if (!result.ok) throw new ValidationError(`scaler configuration ${file}`, result.issues);
  return result.value;
}
