import type { ValidationIssue } from "../../contracts/index.ts";
import { fieldsOf } from "../../contracts/index.ts";

/** Where a knob that operators no longer set went: the trade-off now lives in each pool's SLO
 * (docs/scaling-policy.md#the-one-trade-off) and the rest are the policy's own. */
const TRADE_OFF =
  "state the trade-off in the pool's SLO (violationBudget or spendCeiling), see docs/scaling-policy.md";

/** Fields of the `policy` section that the policy now sets itself, with what became of each. */
export const RETIRED_POLICY_FIELDS: Readonly<Record<string, string>> = {
  sizingQuantile: "each origin's sizing quantile adapts to its pool's trade-off",
  bandCap: "the policy derives it",
  violationBudgetGain: "the policy derives it",
  excursionPrice: "the policy derives it",
  shortfallPrice: "the policy derives it",
  hysteresis: "scale-in waits for the SLO's scaleInCooldownSeconds",
};

/** Per-origin fields (under `origins.<id>` or `defaults`) that moved to the pool's SLO. */
export const RETIRED_ORIGIN_FIELDS: Readonly<Record<string, string>> = {
  violationBudget: "the trade-off is set per pool",
};

/**
 * A configuration document without the fields that are no longer settings, and an issue for each
 * one it set, naming it and saying where its job went, so an old file fails with a message that
 * says what to do instead of "is not a known field".
 */
export function withoutRetiredFields(document: unknown): { document: unknown; issues: ValidationIssue[] } {
  const fields = fieldsOf(document);
  if (fields !== document) return { document, issues: [] };
  const issues: ValidationIssue[] = [];
  const strip = (value: unknown, path: string, retired: Readonly<Record<string, string>>): unknown => {
    const section = fieldsOf(value);
    if (section !== value) return value;
    const kept: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(section)) {
      const why = retired[key];
      if (why === undefined) kept[key] = item;
      else issues.push({ path: `${path}.${key}`, message: `is no longer a setting: ${why}; ${TRADE_OFF}` });
    }
    return kept;
  };
  const out: Record<string, unknown> = { ...fields };
  if ("policy" in fields) out.policy = strip(fields.policy, "policy", RETIRED_POLICY_FIELDS);
  if ("defaults" in fields) out.defaults = strip(fields.defaults, "defaults", RETIRED_ORIGIN_FIELDS);
  const origins = fieldsOf(fields.origins);
  if (origins === fields.origins)
    out.origins = Object.fromEntries(
      Object.entries(origins).map(([id, origin]) => [
        id,
        strip(origin, `origins[${JSON.stringify(id)}]`, RETIRED_ORIGIN_FIELDS),
      ]),
    );
  return { document: out, issues };
}
