import type { Slo } from "../../../contracts/index.ts";
import { SLO_MODES } from "../../../contracts/index.ts";
import { api } from "./api.ts";
import { h, replace } from "./dom.ts";
import { clockTime } from "./format.ts";
import { FormFields, beginWrite, clearForm, showWriteFailure } from "./form-fields.ts";
import type { SloFieldName } from "./slo-fields.ts";
import {
  fieldsToBody,
  NEW_SLO,
  SLO_FIELDS,
  SLO_ISSUE_FIELDS,
  sloToFields,
  TRADE_OFFS,
} from "./slo-fields.ts";
import { TokenField } from "./token-field.ts";
import type { TokenStore } from "./token-store.ts";

/**
 * The SLO editor of one pool. The server validates (contracts' validateSlo through
 * `PUT /api/slos/:pool`); each problem it returns is shown next to its field, and a refused
 * write changes nothing, on the server as in the form (the typed values stay for correction).
 * The form is not refreshed under the operator's fingers: while edited, new data leaves it alone.
 */
export class SloForm {
  readonly element: HTMLElement;
  private readonly fields = new FormFields<SloFieldName>(SLO_ISSUE_FIELDS);
  private readonly token: TokenField;
  private readonly message: HTMLElement;
  private readonly badge: HTMLElement;
  private readonly title: HTMLElement;
  private readonly save: HTMLButtonElement;
  private pool: string | null = null;
  private shown: string | null = null;
  private dirty = false;

  constructor(
    tokens: TokenStore,
    private readonly writes: boolean,
    private readonly onSaved: (slo: Slo) => void,
  ) {
    this.title = h("h2", null, "SLO");
    this.badge = h("span", { class: "badge" });
    const rows = SLO_FIELDS.map((field) => {
      const id = `slo-${field.name}`;
      const input =
        field.name === "mode"
          ? h(
              "select",
              { attrs: { id, name: field.name } },
              ...SLO_MODES.map((mode) => h("option", { attrs: { value: mode } }, mode)),
            )
          : field.name === "tradeOff"
            ? h(
                "select",
                { attrs: { id, name: field.name } },
                ...TRADE_OFFS.map((t) => h("option", { attrs: { value: t.field } }, t.label)),
              )
            : h("input", {
                attrs: {
                  id,
                  name: field.name,
                  type: "text",
                  inputmode: "decimal",
                  autocomplete: "off",
                  spellcheck: "false",
                },
              });
      return this.fields.row(field.name, field.label, field.hint, input, () => {
        this.dirty = true;
      });
    });
    this.token = new TokenField(tokens, "slo", writes);
    this.message = h("div", { class: "form-message", attrs: { role: "status", "aria-live": "polite" } });
    this.save = h("button", { class: "primary", attrs: { type: "submit" } }, "Save SLO");
    const form = h(
      "form",
      {
        class: "slo-form",
        attrs: { novalidate: true, "aria-label": "SLO" },
        on: {
          submit: (event) => {
            event.preventDefault();
            void this.submit();
          },
        },
      },
      h("div", { class: "fields" }, ...rows),
      this.token.element,
      h("div", { class: "form-actions" }, this.save, this.message),
    );
    this.element = h(
      "section",
      { class: "card slo-card", attrs: { "aria-labelledby": "slo-title" } },
      h("div", { class: "card-head" }, this.title, this.badge),
      form,
    );
    this.title.id = "slo-title";
    if (!writes) {
      this.fields.disable();
      this.save.disabled = true;
      this.message.textContent =
        "Editing is off: this predictor has no admin token configured (PREDICTOR_ADMIN_TOKEN).";
    }
  }

  /** Shows a pool's SLO (a new pool starts from the usual defaults); keeps edits in progress. */
  show(pool: string | null, slo: Slo | null): void {
    const changedPool = pool !== this.pool;
    this.pool = pool;
    this.token.refresh();
    replace(this.title, pool === null ? "SLO" : `SLO · ${pool}`);
    replace(this.badge, slo ? slo.mode : "not set");
    this.badge.className = `badge mode-${slo ? slo.mode : "unset"}`;
    const form = this.element.querySelector("form");
    if (form) form.hidden = pool === null;
    if (pool === null) {
      this.message.textContent = "These origins are in no pool of the edge table: SLOs are set per pool.";
      return;
    }
    const key = JSON.stringify(slo);
    if (changedPool) {
      this.dirty = false;
      this.clearAll();
      if (this.writes) this.message.textContent = "";
    }
    if (!this.dirty && (changedPool || key !== this.shown)) {
      this.shown = key;
      const values = sloToFields(slo ?? NEW_SLO);
      for (const name of this.fields.names()) this.fields.set(name, values[name]);
    }
  }

  private async submit(): Promise<void> {
    const pool = this.pool;
    if (pool === null || !this.writes) return;
    const begun = beginWrite(this.fields, this.token, this.message);
    if (!begun) return;
    const { token, values: fields } = begun;
    this.save.disabled = true;
    this.message.textContent = "Saving…";
    try {
      const { slo } = await api.putSlo(pool, fieldsToBody(fields), token);
      this.token.accepted(token);
      this.dirty = false;
      this.shown = JSON.stringify(slo);
      this.message.textContent = `Saved at ${clockTime(Date.now())} UTC: the scaler uses it from its next evaluation.`;
      this.message.className = "form-message ok";
      this.onSaved(slo);
    } catch (error) {
      showWriteFailure(error, this.fields, this.token, this.message, "the stored SLO is unchanged");
    } finally {
      this.save.disabled = false;
    }
  }

  private clearAll(): void {
    clearForm(this.fields, this.token, this.message);
  }
}
