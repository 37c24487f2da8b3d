import { describe, expect, it } from "vitest";
import { seededRng } from "../../contracts/random.ts";
import { backoffDelay, mayRetry } from "./retry-policy.ts";

describe("retry policy", () => {
  it.each([
    ["GET", false, "connect", 0, true],
    ["GET", false, "timeout", 0, true],
    ["GET", false, "status", 503, true],
    ["GET", false, "status", 500, false],
    ["DELETE", false, "status", 502, true],
    ["PUT", true, "connect", 0, false],
    ["POST", false, "connect", 0, true],
    ["POST", false, "timeout", 0, false],
    ["POST", false, "status", 503, false],
    ["POST", true, "connect", 0, false],
    ["PATCH", true, "status", 503, false],
  ] as const)("%s (body: %s) after %s %i: retry %s", (method, hasBody, kind, status, expected) => {
    expect(mayRetry(method, hasBody, kind, status)).toBe(expected);
  });

  it("backs off with full jitter under a doubling, capped ceiling", () => {
    const rng = seededRng(4);
    for (let retry = 1; retry <= 6; retry++) {
      const ceiling = Math.min(250, 25 * 2 ** (retry - 1));
      for (let i = 0; i < 100; i++) {
        const delay = backoffDelay(retry, 25, 250, rng);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(ceiling);
      }
    }
  });
});
