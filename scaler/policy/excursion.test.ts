import { describe, expect, it } from "vitest";
import { levelWorthHolding } from "./excursion.ts";

/** A need profile at 30-second steps: `base` replicas, `height` for `minutes` from the start. */
const spike = (base: number, height: number, minutes: number, total = 40) => ({
  needs: Array.from({ length: total * 2 }, (_, i) => (i < minutes * 2 ? height : base)),
  stepMinutes: 0.5,
});
const prices = { perMinute: 10, perMissingReplica: 1.2 };
// A replica is paid through a 6-minute lead and a 5-minute cooldown beyond the time it is needed.
const worth = (profile: { needs: number[]; stepMinutes: number }, current: number, p = prices) =>
  levelWorthHolding(profile, current, p, 11);

describe("levelWorthHolding", () => {
  it("leaves a tall, short spike uncovered: its replicas would cost more than the minutes they save", () => {
    // 13 replicas for 5 minutes cost 13 x (11 + 5) = 208 replica-minutes; running short costs
    // (10 + 1.2 x 13) x 5 = 128.
    expect(worth(spike(2, 15, 5), 2)).toBe(2);
  });

  it("covers the same height once it lasts, and a small rise of any length worth its boot", () => {
    expect(worth(spike(2, 15, 30), 2)).toBe(15);
    expect(worth(spike(2, 3, 3), 2)).toBe(3);
    expect(worth(spike(2, 3, 40), 2)).toBe(3);
  });

  it("covers a spike it would skip when a minute above the target is priced higher", () => {
    expect(worth(spike(2, 15, 5), 2, { perMinute: 40, perMissingReplica: 1.2 })).toBe(15);
  });

  it("covers a lasting rise however tall, as long as each missing replica costs more than a paid one", () => {
    const tall = spike(10, 200, 80, 80);
    expect(worth(tall, 10, { perMinute: 0, perMissingReplica: 1.2 })).toBe(200);
    // At exactly a paid replica's cost, with no price per minute, nothing is ever worth booting.
    expect(worth(tall, 10, { perMinute: 0, perMissingReplica: 1 })).toBe(10);
  });

  it("never returns fewer replicas than those held, and holds on a flat or falling profile", () => {
    expect(worth(spike(2, 1, 10), 6)).toBe(6);
    expect(worth({ needs: [4, 4, 4, 4], stepMinutes: 0.5 }, 4)).toBe(4);
  });

  it("stops partway up when only the lower part of a spike lasts", () => {
    // 6 replicas for 30 minutes, with a 2-minute peak of 20 on top.
    const needs = Array.from({ length: 80 }, (_, i) => (i < 4 ? 20 : i < 60 ? 6 : 2));
    expect(worth({ needs, stepMinutes: 0.5 }, 2)).toBe(6);
  });
});
