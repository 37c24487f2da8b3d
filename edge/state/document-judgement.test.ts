import { describe, expect, it } from "vitest";
import type { HealthReport } from "../../contracts/health-report.ts";
import type { OriginTable } from "../../contracts/origin-table.ts";
import { validateOriginTable } from "../../contracts/origin-table.ts";
import type { WeightsOverlay } from "../../contracts/weights-overlay.ts";
import { compileTable } from "../routing/compiled-table.ts";
import { judgeDocument } from "./document-judgement.ts";
import type { DocumentName, Documents } from "./document-store.ts";

const table = (version: number): OriginTable => ({
  version,
  updatedAt: "2026-01-01T00:00:00Z",
  pools: [
    {
      name: "eu",
      location: { lat: 50, lon: 8 },
      origins: [{ id: "a", url: "http://127.0.0.1:1", weight: 1 }],
    },
  ],
});
const overlay = (version: number): WeightsOverlay => ({
  version,
  updatedAt: "2026-01-01T00:00:00Z",
  expiresAt: "2026-01-01T01:00:00Z",
  factors: { a: 2 },
});
const health = (checkedAt: string): HealthReport => ({
  checkedAt,
  origins: { a: { healthy: false, consecutiveFailures: 3 } },
});

function compiled(version: number) {
  const checked = validateOriginTable(table(version));
  if (!checked.ok) throw new Error("fixture");
  return compileTable(checked.value);
}

const CURRENT: Documents = {
  table: compiled(5),
  overlay: overlay(5),
  health: health("2026-01-01T00:05:00Z"),
};
const VALID: Record<DocumentName, unknown> = {
  table: table(6),
  weights: overlay(6),
  health: health("2026-01-01T00:06:00Z"),
};

/** The faults a stored document can have, each as the text KV would return. */
const FAULTS: [string, (name: DocumentName) => string | null, RegExp][] = [
  ["missing", () => null, /no table is stored|gone from KV/],
  [
    "truncated",
    (name) => JSON.stringify(VALID[name]).slice(0, 40),
    /invalid JSON \(truncated or corrupted\)/,
  ],
  ["of the wrong shape (a list)", () => "[1, 2, 3]", /is invalid;/],
  [
    "of the wrong shape (a field of the wrong type)",
    (name) =>
      JSON.stringify({ ...(VALID[name] as object), [name === "health" ? "origins" : "updatedAt"]: 42 }),
    /is invalid;/,
  ],
  [
    "of a newer version (an unknown field)",
    (name) => JSON.stringify({ ...(VALID[name] as object), schemaVersion: 2 }),
    /fields this Worker does not know \(schemaVersion\), so a newer version probably wrote it/,
  ],
  [
    "of a future shape (a field renamed)",
    (name) =>
      JSON.stringify(
        name === "table"
          ? { ...table(7), pools: undefined, regions: table(7).pools }
          : { ...(VALID[name] as object), origins: undefined, factors: undefined, targets: {} },
      ),
    /does not know \((regions|targets)\)/,
  ],
];

describe("judging a document read from KV", () => {
  describe.each(["table", "weights", "health"] as const)("the %s document", (name) => {
    it.each(FAULTS)(
      "keeps the last valid one when the stored one is %s, and says why",
      (_fault, text, message) => {
        const judged = judgeDocument(name, text(name), CURRENT);
        expect(judged.adopt).toBe(false);
        if (judged.adopt) return;
        expect(judged.problem?.message).toMatch(message);
        expect(judged.problem?.message).toMatch(
          /serving from the last valid one \(version 5\)|keeping the last valid/,
        );
      },
    );

    it("adopts a valid newer document", () => {
      const judged = judgeDocument(name, JSON.stringify(VALID[name]), CURRENT);
      expect(judged.adopt).toBe(true);
    });
  });

  it("ignores a table or overlay older than the one in use (a stale KV copy), saying so", () => {
    for (const [name, text] of [
      ["table", table(4)],
      ["weights", overlay(4)],
    ] as const) {
      const judged = judgeDocument(name, JSON.stringify(text), CURRENT);
      expect(judged).toEqual({
        adopt: false,
        problem: {
          message: expect.stringMatching(/version 4, older than version 5 in use; ignored/) as string,
        },
      });
    }
  });

  it("adopts what this isolate has just written itself, whatever the document in use", () => {
    expect(judgeDocument("health", JSON.stringify(health("2026-01-01T00:01:00Z")), CURRENT, true).adopt).toBe(
      true,
    );
  });

  it("quietly keeps a newer health report over an older copy", () => {
    expect(judgeDocument("health", JSON.stringify(health("2026-01-01T00:01:00Z")), CURRENT)).toEqual({
      adopt: false,
      problem: null,
    });
  });

  it("treats an overlay or report that was never there as simply absent", () => {
    const empty: Documents = { table: CURRENT.table, overlay: null, health: null };
    expect(judgeDocument("weights", null, empty)).toEqual({ adopt: true, documents: empty });
    expect(judgeDocument("health", null, empty)).toEqual({ adopt: true, documents: empty });
  });

  it("says that no table is loaded yet when a fresh isolate finds a bad one", () => {
    const judged = judgeDocument("table", "{", { table: null, overlay: null, health: null });
    expect(judged.adopt ? null : judged.problem?.message).toMatch(/no valid table is loaded yet/);
  });
});
