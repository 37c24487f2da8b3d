import { describe, expect, it } from "vitest";
import { scalerStatus } from "./scaler-status.ts";

const NOW = Date.UTC(2026, 10, 22, 12, 0);
const beat = (secondsAgo: number, intervalSeconds = 30) => ({
  at: new Date(NOW - secondsAgo * 1000).toISOString(),
  intervalSeconds,
});

describe("the header's scaler chip", () => {
  it("says how long ago the scaler evaluated while it keeps its interval", () => {
    expect(scalerStatus(beat(4), NOW)).toMatchObject({ text: "Scaler · evaluated 4 s ago", tone: "ok" });
    // Three intervals and a little late still count as running (a retry, a busy worker).
    expect(scalerStatus(beat(100), NOW).tone).toBe("ok");
  });

  it("calls a scaler silent once it misses three intervals, and says what to check", () => {
    expect(scalerStatus(beat(101), NOW)).toMatchObject({ text: "Scaler · silent for 101 s", tone: "bad" });
    expect(scalerStatus(beat(600, 5), NOW)).toEqual({
      text: "Scaler · silent for 10 min",
      tone: "bad",
      title:
        "The scaler evaluates every 5 s but last did 10 min ago: check that a scaler process runs and reaches Redis.",
    });
  });

  it("says no scaler was seen when none ever evaluated", () => {
    expect(scalerStatus(null, NOW)).toMatchObject({ text: "Scaler · not seen", tone: "busy" });
  });
});
