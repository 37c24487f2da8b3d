import { describe, expect, it } from "vitest";
import { validateOriginTable } from "./origin-table.ts";

const validTable = () => ({
  version: 3,
  updatedAt: "2026-11-21T12:00:00.000Z",
  pools: [
    { name: "eu-west", location: { lat: 50.1, lon: 8.7 }, countries: ["DE", "FR"], fallback: "us-east", origins: [{ id: "eu-1", url: "http://127.0.0.1:9001", weight: 100 }] },
    { name: "us-east", location: { lat: 39, lon: -77.5 }, origins: [{ id: "us-1", url: "https://us.example.com/app", weight: 50, enabled: false, healthPath: "/ready?deep=1" }] },
  ],
  affinity: { by: "cookie", name: "lb_session", ttlSeconds: 3600 },
  timeoutMs: 5000,
});

describe("origin table validation", () => {
  it("accepts a table that follows the contract", () => {
    const result = validateOriginTable(validTable());
    expect(result.ok).toBe(true);
  });

  it("reports every problem with its path", () => {
    const table = validTable() as Record<string, unknown>;
    const pools = table.pools as Record<string, unknown>[];
    (pools[0] as { origins: unknown[] }).origins = [{ id: "Bad Id", url: "ftp://x", weight: 5000 }];
    (pools[1] as { name: string }).name = "eu-west";
    table.version = -1;
    const result = validateOriginTable(table);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const paths = result.issues.map((issue) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(["version", "pools[0].origins[0].id", "pools[0].origins[0].url", "pools[0].origins[0].weight"]));
    for (const issue of result.issues) expect(issue.message.length).toBeGreaterThan(5);
  });

  it("refuses duplicate origin ids, unknown fallbacks and unknown keys", () => {
    const table = validTable();
    const first = table.pools[0];
    const second = table.pools[1];
    if (!first || !second) throw new Error("fixture");
    second.origins.push({ id: "eu-1", url: "http://127.0.0.1:9002", weight: 1, enabled: true, healthPath: "/" });
    first.fallback = "nowhere";
    const dup = validateOriginTable(table);
    expect(dup.ok).toBe(false);
    if (!dup.ok) {
      expect(dup.issues).toContainEqual({ path: "pools[1].origins[1].id", message: expect.stringContaining("duplicate origin id") as string });
      expect(dup.issues).toContainEqual({ path: "pools[0].fallback", message: expect.stringContaining("names no pool") as string });
    }
    const unknownKey = validateOriginTable({ ...validTable(), poools: [] });
    expect(unknownKey.ok).toBe(false);
  });

  it.each([
    "javascript:alert(1)",
    "http://user:pass@example.com",
    "http://example.com/?q=1",
    "http://example.com/#x",
    "file:///etc/passwd",
    "//example.com",
  ])("refuses the origin url %s", (url) => {
    const table = validTable();
    const origin = table.pools[0]?.origins[0];
    if (!origin) throw new Error("fixture");
    origin.url = url;
    const result = validateOriginTable(table);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]?.path).toBe("pools[0].origins[0].url");
  });
});
