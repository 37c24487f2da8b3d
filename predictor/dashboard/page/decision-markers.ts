import type { Decision, DecisionAction } from "../../../contracts/index.ts";
import type { MarkerSpec } from "./chart-options.ts";

/** The colour of each action, on the charts and in the lists. */
export const ACTION_COLORS: Record<DecisionAction, string> = {
  "scale-out": "#16a34a",
  "scale-in": "#d97706",
  reweight: "#0284c7",
  spill: "#7c3aed",
  hold: "#64748b",
};

/** How a decision ended: applied, advised only (advise mode), failed, or not applied. */
export function decisionOutcome(decision: Decision): "applied" | "advised" | "failed" | "not applied" {
  if (decision.error !== undefined) return "failed";
  if (decision.applied) return "applied";
  return decision.mode === "advise" ? "advised" : "not applied";
}

/** A short summary of what a decision changes: "4 → 7 replicas". */
export function decisionChange(decision: Decision): string | null {
  const replicas = (side: unknown) =>
    typeof side === "object" && side !== null && "replicas" in side && typeof side.replicas === "number"
      ? side.replicas
      : null;
  const from = replicas(decision.from);
  const to = replicas(decision.to);
  return from !== null && to !== null ? `${from} → ${to} ${to === 1 ? "replica" : "replicas"}` : null;
}

/** Decisions as chart markers: a line at the time, its reason in the tooltip. */
export function decisionMarkers(decisions: readonly Decision[]): MarkerSpec[] {
  return decisions.map((decision) => {
    const change = decisionChange(decision);
    const target = decision.origin ?? decision.pool;
    return {
      t: Date.parse(decision.at),
      color: ACTION_COLORS[decision.action],
      label: `${decision.action} ${target}${change ? ` (${change})` : ""}`,
      title: `${decision.action} ${target} · ${decisionOutcome(decision)}${change ? ` · ${change}` : ""}`,
      text: decision.error !== undefined ? `${decision.reason} (failed: ${decision.error})` : decision.reason,
    };
  });
}
