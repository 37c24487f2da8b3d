import type { Child } from "./dom.ts";
import { h } from "./dom.ts";

/** A titled card of the page. */
export function card(title: string, id: string, ...children: Child[]): HTMLElement {
  return h(
    "section",
    { class: "card", attrs: { id: `card-${id}`, "aria-labelledby": `card-${id}-title` } },
    h("div", { class: "card-head" }, h("h2", { attrs: { id: `card-${id}-title` } }, title)),
    ...children,
  );
}

/** A figure with its label and a line of context. */
export function statCard(label: string, value: string, detail: string, tone = ""): HTMLElement {
  return h(
    "div",
    { class: `stat ${tone}`.trim() },
    h("div", { class: "stat-label" }, label),
    h("div", { class: "stat-value" }, value),
    h("div", { class: "stat-detail" }, detail),
  );
}
