import { describe, expect, it } from "vitest";
import { validateOriginTable } from "./origin-table.ts";

const table = (rateLimit: unknown) => ({
  version: 1,
  updatedAt: "2026-01-01T00:00:00Z",
  pools: [
    {
      name: "eu",
      location: { lat: 50, lon: 8 },
      origins: [{ id: "a", url: "http://127.0.0.1:1", weight: 1 }],
    },
  ],
  resilience: { rateLimit },
});

const problems = (rateLimit: unknown) => {
  const result = validateOriginTable(table(rateLimit));
  return result.ok ? [] : result.issues.map((issue) => `${issue.path}: ${issue.message}`);
};

describe("the table's rate limit", () => {
  it("keys by client IP, a header or a path prefix, optionally narrowed to path prefixes", () => {
    expect(problems({ requestsPerSecond: 5, burst: 10 })).toEqual([]);
    expect(problems({ requestsPerSecond: 5, burst: 10, by: "header", header: "x-api-key" })).toEqual([]);
    expect(problems({ requestsPerSecond: 5, burst: 10, by: "path", paths: ["/api/", "/login"] })).toEqual([]);
    expect(problems({ requestsPerSecond: 5, burst: 10, by: "ip", paths: ["/login"] })).toEqual([]);
  });

  it("names each missing or malformed field with its path", () => {
    expect(problems({ requestsPerSecond: 5, burst: 10, by: "path" })).toEqual([
      'resilience.rateLimit.paths: is required when rateLimit.by is "path"',
    ]);
    expect(problems({ requestsPerSecond: 5, burst: 10, by: "header" })).toEqual([
      'resilience.rateLimit.header: is required when rateLimit.by is "header"',
    ]);
    expect(problems({ requestsPerSecond: 5, burst: 10, by: "country" })).toEqual([
      "resilience.rateLimit.by: must be one of ip, header, path",
    ]);
    expect(problems({ requestsPerSecond: 5, burst: 10, paths: ["api/", "/a b", "/x?y"] })).toEqual([
      "resilience.rateLimit.paths[0]: must be a path prefix starting with '/' (no spaces, query or fragment)",
      "resilience.rateLimit.paths[1]: must be a path prefix starting with '/' (no spaces, query or fragment)",
      "resilience.rateLimit.paths[2]: must be a path prefix starting with '/' (no spaces, query or fragment)",
    ]);
    expect(problems({ requestsPerSecond: 5, burst: 10, paths: ["/api/", "/api/"] })).toEqual([
      'resilience.rateLimit.paths[1]: duplicate prefix "/api/" (also paths[0])',
    ]);
    expect(problems({ requestsPerSecond: 5, burst: 10, paths: [] })).toEqual([
      "resilience.rateLimit.paths: must list at least one path prefix",
    ]);
  });
});
