import type { ScheduledEvent } from "../../../contracts/index.ts";
import { api } from "./api.ts";
import { h, replace } from "./dom.ts";
import { clockTime, withUnit } from "./format.ts";
import { FormFields, beginWrite, clearForm, showWriteFailure } from "./form-fields.ts";
import type { EventFieldName } from "./event-fields.ts";
import { EVENT_FIELDS, eventBody, eventState, eventTimeText } from "./event-fields.ts";
import { TokenField } from "./token-field.ts";
import type { TokenStore } from "./token-store.ts";

/**
 * The scheduled events of one pool: stretches of time in which the operator expects a load the
 * forecast cannot know (a launch, a sale). The list shows the pool's events, each deletable; the
 * form adds one (or replaces one of the same name). The server validates (contracts'
 * validateScheduledEvent through `PUT /api/events/:id`); each problem it returns is shown next to
 * its field, and a refused write changes nothing.
 */
export class EventsCard {
  readonly element: HTMLElement;
  private readonly list = h("div", { class: "event-list" });
  private readonly fields = new FormFields<EventFieldName>();
  private readonly token: TokenField;
  private readonly message = h("div", {
    class: "form-message",
    attrs: { role: "status", "aria-live": "polite" },
  });
  private readonly save = h("button", { class: "primary", attrs: { type: "submit" } }, "Schedule event");
  private readonly form: HTMLFormElement;
  private pool: string | null = null;

  constructor(
    tokens: TokenStore,
    private readonly writes: boolean,
    private readonly onChanged: () => void,
  ) {
    const rows = EVENT_FIELDS.map((field) => {
      const id = `event-${field.name}`;
      const input = h("input", {
        attrs: {
          id,
          name: field.name,
          type: "text",
          autocomplete: "off",
          spellcheck: "false",
          ...(field.name === "expectedRps" ? { inputmode: "decimal" } : {}),
        },
      });
      return this.fields.row(field.name, field.label, field.hint, input);
    });
    if (!writes) this.fields.disable();
    this.token = new TokenField(tokens, "event", writes);
    this.save.disabled = !writes;
    this.form = h(
      "form",
      {
        class: "event-form",
        attrs: { novalidate: true, "aria-label": "Schedule an event" },
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
    if (!writes)
      this.message.textContent =
        "Editing is off: this predictor has no admin token configured (PREDICTOR_ADMIN_TOKEN).";
    this.element = h(
      "section",
      { class: "card events-card", attrs: { id: "card-events", "aria-labelledby": "card-events-title" } },
      h("div", { class: "card-head" }, h("h2", { attrs: { id: "card-events-title" } }, "Scheduled events")),
      h(
        "p",
        { class: "note" },
        "Load the forecast cannot know: the scaler plans for at least the expected load over each event, a lead time ahead, as it does for a forecast.",
      ),
      this.list,
      this.form,
    );
  }

  /** Shows a pool's events (or why there are none); keeps what is being typed. */
  show(pool: string | null, events: readonly ScheduledEvent[] | Error, now: number): void {
    this.pool = pool;
    this.form.hidden = pool === null;
    this.token.refresh();
    if (pool === null) {
      replace(
        this.list,
        h(
          "p",
          { class: "empty" },
          "These origins are in no pool of the edge table: events are set per pool.",
        ),
      );
      return;
    }
    if (events instanceof Error) {
      replace(this.list, h("p", { class: "error" }, `Cannot read scheduled events: ${events.message}`));
      return;
    }
    if (events.length === 0) {
      replace(this.list, h("p", { class: "empty" }, `No scheduled events for ${pool}.`));
      return;
    }
    replace(
      this.list,
      h(
        "ul",
        { class: "events" },
        ...events.map((event) => {
          const state = eventState(event, now);
          const remove = h(
            "button",
            {
              class: "link danger",
              attrs: { type: "button", "aria-label": `Delete event ${event.id}` },
              on: {
                click: () => {
                  void this.remove(event.id);
                },
              },
            },
            "Delete",
          );
          const edit = h(
            "button",
            {
              class: "link",
              attrs: { type: "button", "aria-label": `Edit event ${event.id}` },
              on: {
                click: () => {
                  this.edit(event);
                },
              },
            },
            "Edit",
          );
          remove.disabled = !this.writes;
          edit.disabled = !this.writes || state === "ended";
          return h(
            "li",
            { class: `event state-${state}`, attrs: { "data-event": event.id } },
            h(
              "div",
              { class: "event-head" },
              h("span", { class: "event-name mono" }, event.id),
              h(
                "span",
                { class: `pill ${state === "active" ? "warn" : state === "ended" ? "" : "ok"}`.trim() },
                state,
              ),
              edit,
              remove,
            ),
            h(
              "div",
              { class: "event-when" },
              `${eventTimeText(event.start)} to ${eventTimeText(event.end)} UTC · ${withUnit(event.expectedRps, "rps")}`,
            ),
            event.note !== undefined ? h("div", { class: "event-note" }, event.note) : null,
          );
        }),
      ),
    );
  }

  /** Fills the form with an event, to change it: saving under the same name replaces it. */
  private edit(event: ScheduledEvent): void {
    this.clearAll();
    const values: Record<EventFieldName, string> = {
      id: event.id,
      start: eventTimeText(event.start),
      end: eventTimeText(event.end),
      expectedRps: String(event.expectedRps),
      note: event.note ?? "",
    };
    for (const name of this.fields.names()) this.fields.set(name, values[name]);
    this.message.textContent = `Editing ${event.id}: save to replace it.`;
  }

  private async submit(): Promise<void> {
    const pool = this.pool;
    if (pool === null || !this.writes) return;
    const begun = beginWrite(this.fields, this.token, this.message);
    if (!begun) return;
    const { token, values: fields } = begun;
    const id = fields.id.trim();
    if (id === "") {
      this.fields.mark("id", "is required");
      this.message.textContent = "Not saved: give the event a name.";
      this.message.className = "form-message error";
      return;
    }
    this.save.disabled = true;
    this.message.textContent = "Saving…";
    try {
      const { event, replaced } = await api.putEvent(id, eventBody(fields, pool), token);
      this.token.accepted(token);
      for (const name of this.fields.names()) this.fields.set(name, "");
      this.message.textContent = `${replaced ? "Replaced" : "Scheduled"} ${event.id} at ${clockTime(Date.now())} UTC: the scaler plans for it from its next evaluation.`;
      this.message.className = "form-message ok";
      this.onChanged();
    } catch (error) {
      showWriteFailure(error, this.fields, this.token, this.message, "the stored events are unchanged");
    } finally {
      this.save.disabled = false;
    }
  }

  private async remove(id: string): Promise<void> {
    this.clearAll();
    const token = this.token.take();
    if (token === null) return;
    try {
      await api.deleteEvent(id, token);
      this.token.accepted(token);
      this.message.textContent = `Deleted ${id}.`;
      this.message.className = "form-message ok";
      this.onChanged();
    } catch (error) {
      showWriteFailure(error, this.fields, this.token, this.message, "nothing was deleted");
    }
  }

  private clearAll(): void {
    clearForm(this.fields, this.token, this.message);
  }
}
