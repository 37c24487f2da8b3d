import type { Slo } from "../../../contracts/index.ts";

/** The SLO form's fields, in order: the SLO field each edits, its label and its hint. */
export const SLO_FIELDS = [
  {
    name: "mode",
    label: "Mode",
    hint: "off: leave the pool alone · advise: record decisions, change nothing · act: scale and shift weights",
  },
  {
    name: "targetUtilization",
    label: "Target utilisation",
    hint: "0.05 to 1: forecast load ÷ capacity must stay under it (0.7 = 70 %)",
  },
  {
    name: "p95LatencyMs",
    label: "p95 latency (ms)",
    hint: "optional: an observed p95 above it adds replicas at once",
  },
  {
    name: "maxErrorRate",
    label: "Max error rate",
    hint: "optional, 0 to 1: an observed 5xx share above it adds replicas at once",
  },
  {
    name: "leadSeconds",
    label: "Lead time (s)",
    hint: "act this far ahead of the forecast load; at least the replicas' boot time",
  },
  {
    name: "scaleInCooldownSeconds",
    label: "Scale-in cooldown (s)",
    hint: "demand must stay low this long before replicas are released",
  },
  {
    name: "tradeOff",
    label: "Trade-off",
    hint: "what sizing holds each origin to: a share of time above the target, or what it may spend",
  },
  {
    name: "tradeOffValue",
    label: "Budget or ceiling",
    hint: "violation budget: 0 to 0.5, share of time an origin may run above the target that sizing could have prevented (0.02 ≈ 29 min a day) · spend ceiling: 1 to 10, replica-minutes paid ÷ those the load needs at the target (1.5 = half again) · empty: the scaler's default budget",
  },
] as const;

export type SloFieldName = (typeof SLO_FIELDS)[number]["name"];

/** The two trade-offs an SLO may state (one at most), as the form's choice offers them. */
export const TRADE_OFFS = [
  { field: "violationBudget", label: "violation budget" },
  { field: "spendCeiling", label: "spend ceiling" },
] as const;
type TradeOffField = (typeof TRADE_OFFS)[number]["field"];

/** The form field that shows the server's problems with each SLO field the form has no field
 * of its own for: the trade-off's number. */
export const SLO_ISSUE_FIELDS: Readonly<Record<TradeOffField, SloFieldName>> = {
  violationBudget: "tradeOffValue",
  spendCeiling: "tradeOffValue",
};

/** The values a new pool's form starts from (the scaler's usual defaults). */
export const NEW_SLO: Omit<Slo, "pool"> = {
  mode: "advise",
  targetUtilization: 0.7,
  leadSeconds: 300,
  scaleInCooldownSeconds: 600,
};

/** The field values of an SLO, as the form's text. */
export function sloToFields(slo: Omit<Slo, "pool">): Record<SloFieldName, string> {
  return {
    mode: slo.mode,
    targetUtilization: String(slo.targetUtilization),
    p95LatencyMs: slo.p95LatencyMs === undefined ? "" : String(slo.p95LatencyMs),
    maxErrorRate: slo.maxErrorRate === undefined ? "" : String(slo.maxErrorRate),
    leadSeconds: String(slo.leadSeconds),
    scaleInCooldownSeconds: String(slo.scaleInCooldownSeconds),
    tradeOff: slo.spendCeiling !== undefined ? "spendCeiling" : "violationBudget",
    tradeOffValue: String(slo.spendCeiling ?? slo.violationBudget ?? ""),
  };
}

/**
 * The body of `PUT /api/slos/:pool` from the form's text. Validation is the server's (one set of
 * rules, in contracts): a number is sent as a number, anything else as the text typed, so the
 * server's message names exactly what is wrong; an empty optional field is left out. The
 * trade-off's number goes in the field its choice names (none when empty: the scaler's default).
 */
export function fieldsToBody(fields: Record<SloFieldName, string>): Record<string, unknown> {
  const body: Record<string, unknown> = { mode: fields.mode };
  for (const name of [
    "targetUtilization",
    "p95LatencyMs",
    "maxErrorRate",
    "leadSeconds",
    "scaleInCooldownSeconds",
  ] as const) {
    const text = fields[name].trim();
    if (text === "" && (name === "p95LatencyMs" || name === "maxErrorRate")) continue;
    body[name] = asNumber(text);
  }
  const limit = fields.tradeOffValue.trim();
  if (limit !== "")
    body[fields.tradeOff === "spendCeiling" ? "spendCeiling" : "violationBudget"] = asNumber(limit);
  return body;
}

/** A number when the text is one, else the text, for the server to name. */
function asNumber(text: string): number | string {
  const value = Number(text);
  return text !== "" && Number.isFinite(value) ? value : text;
}
