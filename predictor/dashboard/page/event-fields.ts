import type { ScheduledEvent } from "../../../contracts/index.ts";
import { dateTime } from "./format.ts";

/** The event form's fields, in order: the event field each edits, its label and its hint. */
export const EVENT_FIELDS = [
  {
    name: "id",
    label: "Name",
    hint: "lower-case letters, digits, '-', '_' or '.'; saving an existing name replaces that event",
  },
  { name: "start", label: "Starts (UTC)", hint: "e.g. 2026-11-27 14:00" },
  { name: "end", label: "Ends (UTC)", hint: "after the start, at most 31 days later" },
  {
    name: "expectedRps",
    label: "Expected load (rps)",
    hint: "the pool's whole load during the event; the scaler plans for at least this, a lead time ahead",
  },
  { name: "note", label: "Note", hint: "optional, shown with the event" },
] as const;

export type EventFieldName = (typeof EVENT_FIELDS)[number]["name"];

/** A time as the form shows it: "2026-11-27 14:00" (UTC). */
export function eventTimeText(iso: string): string {
  return dateTime(Date.parse(iso)).slice(0, 16);
}

/** "2026-11-27 14:00" (or with a T, seconds, or a Z) as ISO-8601 in UTC; anything else is sent
 * as typed, so the server's message names what is wrong with it. */
export function eventTime(text: string): string {
  const trimmed = text.trim();
  const match = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2})?Z?$/.exec(trimmed);
  return match ? `${match[1] ?? ""}T${match[2] ?? ""}${match[3] ?? ":00"}Z` : trimmed;
}

/** The body of `PUT /api/events/:id` from the form's text: validation is the server's. */
export function eventBody(fields: Record<EventFieldName, string>, pool: string): Record<string, unknown> {
  const rps = fields.expectedRps.trim();
  const value = Number(rps);
  const note = fields.note.trim();
  return {
    pool,
    start: eventTime(fields.start),
    end: eventTime(fields.end),
    expectedRps: rps !== "" && Number.isFinite(value) ? value : rps,
    ...(note !== "" ? { note } : {}),
  };
}

/** Where an event stands at `now`. */
export function eventState(event: ScheduledEvent, now: number): "upcoming" | "active" | "ended" {
  if (Date.parse(event.end) <= now) return "ended";
  return Date.parse(event.start) <= now ? "active" : "upcoming";
}
