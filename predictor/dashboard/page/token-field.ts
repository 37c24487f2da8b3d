import { h } from "./dom.ts";
import type { TokenStore } from "./token-store.ts";

/**
 * The admin-token field of a form that writes: typed once, kept for the tab (TokenStore) once a
 * write accepted it, forgotten when the predictor refuses it. Every writing form of the page has
 * one, sharing the same store, so a token typed in one serves the others.
 */
export class TokenField {
  readonly element: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly error: HTMLElement;
  private readonly forget: HTMLButtonElement;

  constructor(
    private readonly tokens: TokenStore,
    idPrefix: string,
    enabled: boolean,
  ) {
    const id = `${idPrefix}-token`;
    this.input = h("input", {
      attrs: {
        id,
        type: "password",
        autocomplete: "off",
        spellcheck: "false",
        "aria-describedby": `${id}-hint ${id}-error`,
        placeholder: "admin token",
      },
    });
    this.error = h("div", { class: "field-error", attrs: { id: `${id}-error`, "aria-live": "polite" } });
    this.forget = h(
      "button",
      {
        class: "link",
        attrs: { type: "button" },
        on: {
          click: () => {
            this.tokens.forget();
            this.input.value = "";
            this.refresh();
          },
        },
      },
      "Forget the token",
    );
    this.element = h(
      "div",
      { class: "field token" },
      h("label", { attrs: { for: id } }, "Admin token"),
      this.input,
      h(
        "div",
        { class: "field-hint", attrs: { id: `${id}-hint` } },
        "Needed to save; kept in this browser tab only and sent only to this predictor.",
        " ",
        this.forget,
      ),
      this.error,
    );
    this.input.disabled = !enabled;
    this.refresh();
  }

  /** The token to send (typed, else kept), or null after asking for one. */
  take(): string | null {
    this.clear();
    const typed = this.input.value.trim();
    const token = typed !== "" ? typed : this.tokens.get();
    if (token !== null && token !== "") return token;
    this.error.textContent = "Enter the admin token to save.";
    this.input.setAttribute("aria-invalid", "true");
    this.input.focus();
    return null;
  }

  /** A write with `token` succeeded: keep it for the tab. */
  accepted(token: string): void {
    this.tokens.set(token);
    this.input.value = "";
    this.refresh();
  }

  /** The predictor refused the token: say so here and forget it. */
  refused(message: string): void {
    this.error.textContent = `${message}. Nothing was changed.`;
    this.input.setAttribute("aria-invalid", "true");
    this.tokens.forget();
    this.refresh();
  }

  clear(): void {
    this.error.textContent = "";
    this.input.removeAttribute("aria-invalid");
  }

  /** Shows whether a token is kept (another form may have stored or forgotten it). */
  refresh(): void {
    const stored = this.tokens.get() !== null;
    this.forget.hidden = !stored;
    this.input.placeholder = stored ? "token kept for this tab" : "admin token";
  }
}
