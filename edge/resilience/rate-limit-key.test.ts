import { describe, expect, it } from "vitest";
import type { RateLimitConfig } from "./rate-limit-key.ts";
import { rateLimitKey } from "./rate-limit-key.ts";

const limit = (over: Partial<RateLimitConfig>): RateLimitConfig => ({
  requestsPerSecond: 1,
  burst: 1,
  by: "ip",
  header: "",
  paths: [],
  ...over,
});
const headers = (values: Record<string, string>) => (name: string) => values[name.toLowerCase()] ?? null;

describe("rateLimitKey", () => {
  it("counts a client by its IP, its header's value or the path prefix it falls under", () => {
    expect(rateLimitKey(limit({}), "/a", "198.51.100.1", headers({}))).toBe("ip 198.51.100.1 ");
    expect(
      rateLimitKey(
        limit({ by: "header", header: "X-Api-Key" }),
        "/a",
        "198.51.100.1",
        headers({ "x-api-key": "k1" }),
      ),
    ).toBe("header x-api-key=k1 ");
    expect(
      rateLimitKey(limit({ by: "path", paths: ["/api/v2/", "/api/"] }), "/api/v2/x", null, headers({})),
    ).toBe("path /api/v2/");
  });

  it("gives each prefix its own budget and leaves requests under none of them, or without a key, alone", () => {
    const byIp = limit({ paths: ["/login", "/api/"] });
    expect(rateLimitKey(byIp, "/login", "198.51.100.1", headers({}))).toBe("ip 198.51.100.1 /login");
    expect(rateLimitKey(byIp, "/api/x", "198.51.100.1", headers({}))).toBe("ip 198.51.100.1 /api/");
    expect(rateLimitKey(byIp, "/static/a.js", "198.51.100.1", headers({}))).toBeNull();
    expect(rateLimitKey(limit({}), "/a", null, headers({}))).toBeNull();
    expect(
      rateLimitKey(limit({ by: "header", header: "x-api-key" }), "/a", "198.51.100.1", headers({})),
    ).toBeNull();
  });

  it("never lets an IP and a header value share a budget", () => {
    const ip = rateLimitKey(limit({}), "/", "k", headers({}));
    const header = rateLimitKey(limit({ by: "header", header: "x-k" }), "/", null, headers({ "x-k": "k" }));
    expect(ip).not.toBe(header);
  });
});
