import { describe, expect, it } from "vitest";
import type { MetricName, SeriesWindow } from "../../../contracts/index.ts";
import { waitingReason } from "../../../contracts/index.ts";
import { waitingNotes } from "./series-waiting.ts";

const windowOf = (metric: MetricName, have?: number): SeriesWindow => ({
  origin: "eu-1",
  metric,
  stepSeconds: 60,
  start: "2026-01-05T12:00:00.000Z",
  values: [1, null, 2],
  ...(have === undefined
    ? {}
    : { waiting: { have, need: 42, reason: waitingReason(have, 42), at: "2026-01-05T12:03:00.000Z" } }),
});

describe("the origin card's notes on series without a model", () => {
  it("names each waiting series with the points it needs and has, in the card's order", () => {
    const windows = new Map<MetricName, SeriesWindow>([
      ["cpu", windowOf("cpu", 12)],
      ["rps", windowOf("rps", 30)],
      ["p95_ms", windowOf("p95_ms")],
    ]);
    const notes = waitingNotes(windows, new Map());
    expect(notes.map((n) => n.text)).toEqual([
      "load: waiting for 42 points, have 30",
      "cpu: waiting for 42 points, have 12",
    ]);
    expect(notes[0]?.title).toMatch(/42 observed points .* --min-train-points .* had 30/);
  });

  it("says nothing of a series that is forecast already", () => {
    const windows = new Map<MetricName, SeriesWindow>([["rps", windowOf("rps", 30)]]);
    expect(waitingNotes(windows, new Map([["rps", {}]]))).toEqual([]);
  });
});
