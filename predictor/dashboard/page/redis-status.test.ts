import { describe, expect, it } from "vitest";
import { redisStatus } from "./redis-status.ts";

const NOW = Date.UTC(2026, 10, 22, 12, 0);
const epoch = (lostSecondsAgo?: number) => ({
  id: "epoch-0002",
  startedAt: new Date(NOW - (lostSecondsAgo ?? 3600) * 1000).toISOString(),
  ...(lostSecondsAgo !== undefined
    ? { lost: { id: "epoch-0001", detectedAt: new Date(NOW - lostSecondsAgo * 1000).toISOString() } }
    : {}),
});

describe("the header's Redis chip", () => {
  it("says Redis lost its data, and how long ago, for a day after the loss", () => {
    expect(redisStatus(epoch(90), NOW)).toMatchObject({ text: "Redis lost its data 90 s ago", tone: "bad" });
    expect(redisStatus(epoch(90), NOW)?.title).toContain("--slos-file");
    expect(redisStatus(epoch(23 * 3600), NOW)?.tone).toBe("bad");
    expect(redisStatus(epoch(25 * 3600), NOW)).toBeNull();
  });

  it("is not shown for an epoch that replaced none, or without one", () => {
    expect(redisStatus(epoch(), NOW)).toBeNull();
    expect(redisStatus(null, NOW)).toBeNull();
  });
});
