import type { ValidationIssue } from "../../../contracts/index.ts";
import { ApiError } from "./api.ts";
import { h } from "./dom.ts";
import type { TokenField } from "./token-field.ts";

type Control = { input: HTMLInputElement | HTMLSelectElement; error: HTMLElement; row: HTMLElement };

/**
 * The fields of a form whose values the server validates (one set of rules, in contracts): each
 * problem it returns is shown next to its field, marked for assistive technology, and cleared as
 * soon as the operator edits that field.
 */
export class FormFields<N extends string> {
  private readonly controls = new Map<N, Control>();

  /** `issueFields`: the field that shows the problems of a document field the form edits through
   * another (an SLO's violationBudget, edited as the trade-off's number). */
  constructor(private readonly issueFields: Readonly<Partial<Record<string, N>>> = {}) {}

  /** A labelled row around `input` (whose id names the row's hint and error), registered as `name`. */
  row(
    name: N,
    label: string,
    hint: string,
    input: HTMLInputElement | HTMLSelectElement,
    onEdit?: () => void,
  ): HTMLElement {
    const id = input.id;
    input.setAttribute("aria-describedby", `${id}-hint ${id}-error`);
    input.addEventListener("input", () => {
      this.clear(name);
      onEdit?.();
    });
    const error = h("div", { class: "field-error", attrs: { id: `${id}-error`, "aria-live": "polite" } });
    const row = h(
      "div",
      { class: "field" },
      h("label", { attrs: { for: id } }, label),
      input,
      h("div", { class: "field-hint", attrs: { id: `${id}-hint` } }, hint),
      error,
    );
    this.controls.set(name, { input, error, row });
    return row;
  }

  names(): N[] {
    return [...this.controls.keys()];
  }

  /** Every field's text, by name. */
  values(): Record<N, string> {
    const values = {} as Record<N, string>;
    for (const [name, control] of this.controls) values[name] = control.input.value;
    return values;
  }

  set(name: N, value: string): void {
    const control = this.controls.get(name);
    if (control) control.input.value = value;
  }

  disable(): void {
    for (const { input } of this.controls.values()) input.disabled = true;
  }

  /** Shows a problem next to a field (after any already shown there). */
  mark(name: N, message: string): void {
    const control = this.controls.get(name);
    if (!control) return;
    control.error.textContent = control.error.textContent
      ? `${control.error.textContent}; ${message}`
      : message;
    control.input.setAttribute("aria-invalid", "true");
    control.row.classList.add("invalid");
  }

  clear(name: N): void {
    const control = this.controls.get(name);
    if (!control) return;
    control.error.textContent = "";
    control.input.removeAttribute("aria-invalid");
    control.row.classList.remove("invalid");
  }

  clearAll(): void {
    for (const name of this.controls.keys()) this.clear(name);
  }

  /** Shows each issue next to the field its path starts with; returns those of no field, as text. */
  showIssues(issues: readonly ValidationIssue[]): string[] {
    const general: string[] = [];
    for (const issue of issues) {
      const head = issue.path.split(/[.[]/)[0] ?? "";
      const name = this.issueFields[head] ?? (head as N);
      if (this.controls.has(name)) this.mark(name, issue.message);
      else general.push(issue.path ? `${issue.path}: ${issue.message}` : issue.message);
    }
    return general;
  }
}

/** Clears what the last attempt showed (problems, the message's tone). */
export function clearForm<N extends string>(
  fields: FormFields<N>,
  token: TokenField,
  message: HTMLElement,
): void {
  fields.clearAll();
  token.clear();
  message.className = "form-message";
}

/** The start of a write: clears the last attempt's problems, then the token to send and every
 * field's text, or null (after asking for the token) when there is none. */
export function beginWrite<N extends string>(
  fields: FormFields<N>,
  token: TokenField,
  message: HTMLElement,
): { token: string; values: Record<N, string> } | null {
  clearForm(fields, token, message);
  const taken = token.take();
  return taken === null ? null : { token: taken, values: fields.values() };
}

/**
 * Shows why a write failed: a refused token at the token field (and forgotten), the server's
 * problems next to their fields, anything else in the form's message, which always says that
 * nothing changed (`unchanged`: "the stored SLO is unchanged").
 */
export function showWriteFailure<N extends string>(
  error: unknown,
  fields: FormFields<N>,
  token: TokenField,
  message: HTMLElement,
  unchanged: string,
): void {
  message.className = "form-message error";
  if (!(error instanceof ApiError)) {
    message.textContent = `Not saved: ${String(error)}`;
    return;
  }
  if (error.status === 401) {
    token.refused(error.message);
    message.textContent = "Not saved: the admin token was refused.";
    return;
  }
  const general = fields.showIssues(error.issues);
  const count = error.issues.length;
  message.textContent =
    count > 0
      ? `Not saved: ${count === 1 ? "one problem" : `${count} problems`} (shown next to the fields); ${unchanged}.${general.length ? ` ${general.join("; ")}` : ""}`
      : `Not saved: ${error.message}; ${unchanged}.`;
}
