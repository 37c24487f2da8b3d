import type { Decision } from "../../../contracts/index.ts";
import { ACTION_COLORS, decisionChange, decisionOutcome } from "./decision-markers.ts";
import { h, replace } from "./dom.ts";
import { clockTime, dateTime } from "./format.ts";

/** At most this many rows; the rest are counted. */
const SHOWN = 60;

/** A list of decisions, newest first: time, action, origin, outcome, change and the reason. */
export function renderDecisionList(target: HTMLElement, decisions: readonly Decision[], empty: string): void {
  if (decisions.length === 0) {
    replace(target, h("p", { class: "empty" }, empty));
    return;
  }
  const rows = decisions.slice(0, SHOWN).map((d) => {
    const action = h("span", { class: "action" }, d.action);
    action.style.borderColor = ACTION_COLORS[d.action];
    action.style.color = ACTION_COLORS[d.action];
    const outcome = decisionOutcome(d);
    return h(
      "li",
      { class: `decision outcome-${outcome.replace(" ", "-")}` },
      h(
        "div",
        { class: "decision-head" },
        h(
          "time",
          { attrs: { datetime: d.at, title: dateTime(Date.parse(d.at)) } },
          clockTime(Date.parse(d.at)),
        ),
        action,
        h("span", { class: "decision-target" }, d.origin ?? d.pool),
        h("span", { class: "outcome" }, outcome),
        decisionChange(d),
      ),
      h("div", { class: "reason" }, d.reason),
      d.error !== undefined ? h("div", { class: "decision-error" }, `failed: ${d.error}`) : null,
    );
  });
  replace(
    target,
    h("ol", { class: "decisions" }, ...rows),
    decisions.length > SHOWN ? h("p", { class: "more" }, `and ${decisions.length - SHOWN} older`) : null,
  );
}
