import { describe, expect, it } from "vitest";
import { hashString, rendezvousPick } from "./rendezvous.ts";

const ids = ["a", "b", "c", "d", "e"];
const seeds = ids.map(hashString);
const keys = Array.from({ length: 5_000 }, (_, i) => hashString(`client-${i}`));
const all = () => true;

describe("weighted rendezvous hashing", () => {
  it("keeps a key on the same origin every time", () => {
    const weights = [1, 1, 1, 1, 1];
    for (const key of keys.slice(0, 100))
      expect(rendezvousPick(key, seeds, weights, all)).toBe(rendezvousPick(key, seeds, weights, all));
  });

  it("moves only the keys of a removed origin", () => {
    const weights = [1, 1, 1, 1, 1];
    const before = keys.map((key) => rendezvousPick(key, seeds, weights, all));
    const after = keys.map((key) => rendezvousPick(key, seeds, weights, (k) => k !== 2));
    let moved = 0;
    keys.forEach((_, i) => {
      if (before[i] !== 2) expect(after[i]).toBe(before[i]);
      else moved++;
    });
    expect(moved).toBeGreaterThan(800);
  });

  it("gives each origin keys in proportion to its weight", () => {
    const weights = [1, 1, 2, 4, 2];
    const counts = [0, 0, 0, 0, 0];
    for (const key of keys) {
      const k = rendezvousPick(key, seeds, weights, all);
      counts[k] = (counts[k] ?? 0) + 1;
    }
    weights.forEach((weight, k) => {
      expect(Math.abs((counts[k] ?? 0) / keys.length - weight / 10)).toBeLessThan(0.03);
    });
  });

  it("skips origins of weight 0 and answers -1 when none is eligible", () => {
    expect(rendezvousPick(keys[0] ?? 0, seeds, [0, 0, 0, 0, 1], all)).toBe(4);
    expect(rendezvousPick(keys[0] ?? 0, seeds, [1, 1, 1, 1, 1], () => false)).toBe(-1);
  });
});
