import { describe, expect, it } from "vitest";
import { buildCandidates, positionAt, positionOtherThan } from "./candidates.ts";

describe("weighted candidates", () => {
  const candidates = buildCandidates([7, 8, 9, 10], [10, 0, 30, 60]);

  it("drops origins of weight 0 and sums the rest", () => {
    expect(Array.from(candidates.members)).toEqual([7, 9, 10]);
    expect(Array.from(candidates.cumulative)).toEqual([10, 40, 100]);
    expect(candidates.total).toBe(100);
  });

  it("maps a draw to the origin whose interval holds it", () => {
    expect([0, 9.99, 10, 39.99, 40, 99.99].map((x) => positionAt(candidates, x))).toEqual([0, 0, 1, 1, 2, 2]);
  });

  it("draws a second origin different from the first, by weight among the others", () => {
    const counts = [0, 0, 0];
    for (let i = 0; i < 1_000; i++) {
      const position = positionOtherThan(candidates, 2, (i + 0.5) / 1_000);
      counts[position] = (counts[position] ?? 0) + 1;
    }
    expect(counts[2]).toBe(0);
    expect(counts[0]).toBe(250);
    expect(counts[1]).toBe(750);
  });
});
