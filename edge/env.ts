import type { AnalyticsDataset } from "./analytics/request-reporter.ts";
import type { EdgeFlags } from "./http/request-scope.ts";
import type { RateLimitBinding } from "./resilience/fleet-rate-limiter.ts";

/** The Worker's bindings: the generated `Env` (wrangler.toml) plus the ADMIN_TOKEN secret. The
 * ANALYTICS dataset and the RATE_LIMITER may be missing (a local run or a configuration without
 * them): the Worker then reports nothing and limits with its per-isolate token bucket. */
export type EdgeEnv = Omit<Env, "ANALYTICS" | "RATE_LIMITER"> & {
  ADMIN_TOKEN?: string;
  ANALYTICS?: AnalyticsDataset;
  RATE_LIMITER?: RateLimitBinding;
};

/** Reads a boolean var: exactly "true" or "false" (or unset = false). Anything else is a
 * configuration mistake that is reported and read as false, the safe side for every flag. */
function flag(env: Record<string, unknown>, name: string, problems: string[]): boolean {
  const value = env[name];
  if (value === undefined || value === "false") return false;
  if (value === "true") return true;
  problems.push(`var ${name} must be "true" or "false", not ${JSON.stringify(value)}; reading it as "false"`);
  return false;
}

/** The flags and the admin token, validated; `problems` lists every var that was not usable. */
export function readEnv(env: EdgeEnv): { flags: EdgeFlags; adminToken: string | null; problems: string[] } {
  const problems: string[] = [];
  const vars = env as unknown as Record<string, unknown>;
  const flags = {
    exposeOrigin: flag(vars, "EXPOSE_ORIGIN", problems),
    trustGeoHeader: flag(vars, "TRUST_GEO_HEADER", problems),
    testHooks: flag(vars, "TEST_HOOKS", problems),
  };
  const token = env.ADMIN_TOKEN;
  let adminToken: string | null = null;
  if (typeof token === "string" && token.length > 0) {
    if (token.length < 16)
      problems.push(
        "ADMIN_TOKEN is shorter than 16 characters; the admin API stays off until a longer one is set",
      );
    else adminToken = token;
  }
  return { flags, adminToken, problems };
}
