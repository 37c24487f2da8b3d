import { describe, expect, it } from "vitest";
import { TokenBuckets, takeToken } from "./token-bucket.ts";

describe("token bucket rate limiting", () => {
  it("allows a burst, then the refill rate, and says when to come back", () => {
    const bucket = { tokens: 3, at: 0 };
    expect([1, 2, 3].map(() => takeToken(bucket, 0, 2, 3).allowed)).toEqual([true, true, true]);
    const refused = takeToken(bucket, 0, 2, 3);
    expect(refused).toEqual({ allowed: false, retryAfterMs: 500 });
    expect(takeToken(bucket, 500, 2, 3).allowed).toBe(true);
    expect(takeToken(bucket, 500, 2, 3).allowed).toBe(false);
  });

  it("keeps one bucket per client and forgets the least recent when full", () => {
    const buckets = new TokenBuckets(2);
    expect(buckets.take("a", 0, 1, 1).allowed).toBe(true);
    expect(buckets.take("a", 0, 1, 1).allowed).toBe(false);
    expect(buckets.take("b", 0, 1, 1).allowed).toBe(true);
    expect(buckets.take("c", 0, 1, 1).allowed).toBe(true);
    expect(buckets.take("a", 0, 1, 1).allowed).toBe(true);
  });
});
