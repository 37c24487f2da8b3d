import { describe, expect, it } from "vitest";
import { fleetRateLimiter } from "./fleet-rate-limiter.ts";

describe("fleetRateLimiter", () => {
  it("is absent without a binding, so the isolate's token bucket applies", () => {
    expect(fleetRateLimiter(undefined, () => undefined)).toBeNull();
  });

  it("passes the binding's verdict on, keyed as asked", async () => {
    const keys: string[] = [];
    const limiter = fleetRateLimiter(
      { limit: ({ key }) => (keys.push(key), Promise.resolve({ success: key !== "over" })) },
      () => undefined,
    );
    expect([await limiter?.("ip 198.51.100.1 "), await limiter?.("over")]).toEqual([true, false]);
    expect(keys).toEqual(["ip 198.51.100.1 ", "over"]);
  });

  it("answers null when the binding throws (the bucket decides), and logs the first failure only", async () => {
    const logged: string[] = [];
    const limiter = fleetRateLimiter(
      { limit: () => Promise.reject(new Error("ratelimit service unavailable")) },
      (line) => logged.push(line),
    );
    expect([await limiter?.("a"), await limiter?.("b")]).toEqual([null, null]);
    expect(logged).toEqual([expect.stringContaining("ratelimit service unavailable") as string]);
  });
});
