import { describe, expect, it } from "vitest";
import type { Forecast, ScheduledEvent, Slo } from "../../../contracts/index.ts";
import { eventBody, eventState, eventTime, eventTimeText } from "./event-fields.ts";
import { originPanels, poolPanels, scheduledLoad } from "./live-panels.ts";
import type { OriginData } from "./origin-data.ts";

const T0 = Date.UTC(2026, 0, 5, 12);
const STEP = 60_000;
const iso = (t: number) => new Date(t).toISOString();
const slo: Slo = {
  pool: "eu",
  mode: "act",
  targetUtilization: 0.5,
  p95LatencyMs: 200,
  leadSeconds: 120,
  scaleInCooldownSeconds: 300,
};

function origin(id: string, load: number): OriginData {
  const forecast: Forecast = {
    origin: id,
    metric: "rps",
    generatedAt: iso(T0 + 2 * STEP),
    start: iso(T0 + 3 * STEP),
    stepSeconds: 60,
    mean: [load, load],
    lower: [load - 1, load - 1],
    upper: [load + 2, load + 2],
    model: { kind: "lstm", version: "v", trainedAt: iso(T0) },
    accuracy: { mase: 0.5, smape: 5, byModel: {} },
  };
  return {
    origin: id,
    windows: new Map([
      ["rps", { origin: id, metric: "rps", stepSeconds: 60, start: iso(T0), values: [load, load, load] }],
      ["p95_ms", { origin: id, metric: "p95_ms", stepSeconds: 60, start: iso(T0), values: [50, 60, 70] }],
    ]),
    forecasts: new Map([["rps", forecast]]),
    capacity: [
      { at: iso(T0), replicas: 2, capacityRps: 40 },
      { at: iso(T0 + STEP), replicas: 3, capacityRps: 60 },
    ],
    // Remembered forecasts for T0+1 .. T0+4: the live chart shows those up to now (T0+2).
    history: new Map([
      [
        "rps",
        {
          origin: id,
          metric: "rps",
          accuracy: null,
          points: [1, 2, 3, 4].map((i) => ({
            t: T0 + i * STEP,
            mean: load + 1,
            lower: load,
            upper: load + 3,
            actual: null,
            model: "lstm" as const,
          })),
        },
      ],
    ]),
    errors: [],
  };
}

const line = (panels: ReturnType<typeof originPanels>, panel: number, name: string) =>
  panels[panel]?.lines.find((l) => l.name === name)?.points;

describe("live chart panels", () => {
  it("draw an origin's load against its capacity and the SLO threshold (target x capacity)", () => {
    const panels = originPanels(origin("eu-1", 10), slo, T0 + 2 * STEP, T0, T0 + 5 * STEP, STEP, "2 min");
    // The last capacity sample holds until now.
    expect(line(panels, 0, "capacity")).toEqual([
      [T0, 40],
      [T0 + STEP, 60],
      [T0 + 2 * STEP, 60],
    ]);
    expect(line(panels, 0, "SLO threshold")).toEqual([
      [T0, 20],
      [T0 + STEP, 30],
      [T0 + 2 * STEP, 30],
      [T0 + 5 * STEP, 30],
    ]);
    expect(line(panels, 0, "actual")).toEqual([
      [T0, 10],
      [T0 + STEP, 10],
      [T0 + 2 * STEP, 10],
    ]);
    expect(line(panels, 0, "forecast")).toEqual([
      [T0 + 3 * STEP, 10],
      [T0 + 4 * STEP, 10],
    ]);
    expect(line(panels, 0, "made 2 min ahead")?.map(([t]) => t)).toEqual([T0 + STEP, T0 + 2 * STEP]);
    expect(line(panels, 1, "SLO p95")).toEqual([
      [T0, 200],
      [T0 + 5 * STEP, 200],
    ]);
    expect(line(panels, 2, "replicas")).toEqual([
      [T0, 2],
      [T0 + STEP, 3],
      [T0 + 2 * STEP, 3],
    ]);
  });

  it("hold a capacity sample until now only while it is fresh", () => {
    const panels = originPanels(origin("eu-1", 10), slo, T0 + 10 * STEP, T0, T0 + 12 * STEP, STEP, "2 min");
    expect(line(panels, 0, "capacity")).toEqual([
      [T0, 40],
      [T0 + STEP, 60],
    ]);
  });

  it("draw no threshold for a pool without an SLO", () => {
    const panels = originPanels(origin("eu-1", 10), null, T0 + 2 * STEP, T0, T0 + 5 * STEP, STEP, "2 min");
    expect(panels.flatMap((p) => p.lines.map((l) => l.name)).filter((n) => n.startsWith("SLO"))).toEqual([]);
  });

  it("sum a pool's load, forecast bounds and capacity over its origins", () => {
    const panels = poolPanels(
      [origin("eu-1", 10), origin("eu-2", 5)],
      slo,
      T0 + 2 * STEP,
      T0,
      T0 + 5 * STEP,
      STEP,
      "2 min",
    );
    expect(line(panels, 0, "actual")).toEqual([
      [T0, 15],
      [T0 + STEP, 15],
      [T0 + 2 * STEP, 15],
    ]);
    expect(panels[0]?.bands.find((b) => b.name === "80 % band")?.points[0]).toEqual({
      t: T0 + 3 * STEP,
      lower: 13,
      upper: 19,
    });
    expect(line(panels, 0, "SLO threshold")?.[1]).toEqual([T0 + STEP, 60]);
    expect(panels[2]?.lines.map((l) => [l.name, l.points.at(-1)])).toEqual([
      ["replicas", [T0 + 2 * STEP, 6]],
      ["eu-1", [T0 + 2 * STEP, 3]],
      ["eu-2", [T0 + 2 * STEP, 3]],
    ]);
  });

  it("draw the load scheduled events expect as flat segments, the largest where they overlap, with gaps between", () => {
    const event = (id: string, from: number, to: number, expectedRps: number): ScheduledEvent => ({
      id,
      pool: "eu",
      start: iso(T0 + from * STEP),
      end: iso(T0 + to * STEP),
      expectedRps,
    });
    const events = [
      event("a", 2, 4, 100),
      event("b", 3, 5, 300),
      event("c", 7, 20, 50),
      event("old", -9, -5, 80),
    ];
    expect(scheduledLoad(events, T0, T0 + 10 * STEP)).toEqual([
      [T0 + 2 * STEP, 100],
      [T0 + 3 * STEP, 100],
      [T0 + 3 * STEP, 300],
      [T0 + 5 * STEP, 300],
      [T0 + 5 * STEP, null],
      [T0 + 7 * STEP, 50],
      [T0 + 10 * STEP, 50],
    ]);
    expect(scheduledLoad([event("old", -9, -5, 80)], T0, T0 + 10 * STEP)).toEqual([]);
    const panels = poolPanels([origin("eu-1", 10)], slo, T0 + 2 * STEP, T0, T0 + 5 * STEP, STEP, "2 min", [
      event("a", 2, 4, 100),
    ]);
    expect(line(panels, 0, "scheduled events")).toEqual([
      [T0 + 2 * STEP, 100],
      [T0 + 4 * STEP, 100],
    ]);
    expect(
      line(
        poolPanels([origin("eu-1", 10)], slo, T0 + 2 * STEP, T0, T0 + 5 * STEP, STEP, "2 min"),
        0,
        "scheduled events",
      ),
    ).toBeUndefined();
  });
});

describe("the scheduled event form", () => {
  it("reads times typed in UTC and sends anything else as typed, for the server to name", () => {
    expect(eventTime("2026-11-27 14:00")).toBe("2026-11-27T14:00:00Z");
    expect(eventTime(" 2026-11-27T14:00:30Z ")).toBe("2026-11-27T14:00:30Z");
    expect(eventTime("next friday")).toBe("next friday");
    expect(eventTimeText("2026-11-27T14:00:00.000Z")).toBe("2026-11-27 14:00");
    expect(
      eventBody(
        { id: "sale", start: "2026-11-27 14:00", end: "2026-11-27 16:00", expectedRps: " 3000 ", note: "" },
        "eu",
      ),
    ).toEqual({ pool: "eu", start: "2026-11-27T14:00:00Z", end: "2026-11-27T16:00:00Z", expectedRps: 3000 });
    expect(
      eventBody({ id: "sale", start: "x", end: "y", expectedRps: "lots", note: " Black Friday " }, "eu"),
    ).toEqual({ pool: "eu", start: "x", end: "y", expectedRps: "lots", note: "Black Friday" });
  });

  it("tells an upcoming event from a running and an ended one", () => {
    const e: ScheduledEvent = { id: "a", pool: "eu", start: iso(T0), end: iso(T0 + STEP), expectedRps: 1 };
    expect([eventState(e, T0 - 1), eventState(e, T0), eventState(e, T0 + STEP)]).toEqual([
      "upcoming",
      "active",
      "ended",
    ]);
  });
});
