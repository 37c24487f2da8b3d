import type { Slo } from "../../contracts/index.ts";
import type { OriginView } from "./origin-view.ts";
import { holdSpendCeiling } from "./spend-ceiling.ts";
import type { OriginState, PolicyTuning } from "./types.ts";
import { spendViolationBudget } from "./violation-budget.ts";

/** What a pool trades violations for spend by: a violation budget (share of time above the
 * target) or a spend ceiling (replica-minutes paid per replica-minute the load needs). */
export type TradeOff =
  { kind: "violation-budget"; budget: number } | { kind: "spend-ceiling"; ceiling: number };

/** The trade-off the pool's SLO states, else the scaler's default: a violation budget of
 * `policy.violationBudget`. It applies to every origin of the pool. */
export function tradeOffOf(
  slo: Pick<Slo, "violationBudget" | "spendCeiling">,
  tuning: Pick<PolicyTuning, "violationBudget">,
): TradeOff {
  if (slo.spendCeiling !== undefined) return { kind: "spend-ceiling", ceiling: slo.spendCeiling };
  return { kind: "violation-budget", budget: slo.violationBudget ?? tuning.violationBudget };
}

/** The quantile an origin is sized for: its adapted one, else where adaptation starts; a violation
 * budget of 0 fixes it there. */
export function sizingQuantileOf(
  memory: OriginState | undefined,
  tradeOff: TradeOff,
  tuning: Pick<PolicyTuning, "sizingQuantile">,
): number {
  if (tradeOff.kind === "violation-budget" && tradeOff.budget <= 0) return tuning.sizingQuantile;
  return memory?.sizingQuantile ?? tuning.sizingQuantile;
}

/** True when the trade-off moves the sizing quantile (a violation budget of 0 fixes it). */
export function adapts(tradeOff: TradeOff): boolean {
  return tradeOff.kind === "spend-ceiling" || tradeOff.budget > 0;
}

/** Moves an origin's sizing quantile by its pool's trade-off (see spendViolationBudget and
 * holdSpendCeiling); returns the quantile to size it at now. */
export function adaptSizingQuantile(
  view: OriginView,
  slo: Slo,
  tradeOff: TradeOff,
  tuning: PolicyTuning,
  memory: OriginState,
  now: number,
): number {
  return tradeOff.kind === "spend-ceiling"
    ? holdSpendCeiling(view, slo, tradeOff.ceiling, tuning, memory)
    : spendViolationBudget(view, slo, tradeOff.budget, tuning, memory, now);
}
