import { describe, expect, it } from "vitest";
import type { OriginTable } from "../../contracts/origin-table.ts";
import { validateOriginTable } from "../../contracts/origin-table.ts";
import { weightFirstP2c } from "../balancing/weight-first-p2c.ts";
import { compileTable } from "../routing/compiled-table.ts";
import type { Documents } from "./document-store.ts";
import { DocumentStore } from "./document-store.ts";
import { EdgeState } from "./edge-state.ts";

// The outlier checks as the Worker runs them after each try (EdgeState.tryEnded), on a manual
// clock: what gets ejected, when, why, and what the pool's share cap holds back.

function documentsFor(ids: string[], resilience: OriginTable["resilience"]): Documents {
  const table = validateOriginTable({
    version: 1,
    updatedAt: "2026-01-01T00:00:00Z",
    pools: [
      {
        name: "eu",
        location: { lat: 50, lon: 8 },
        origins: ids.map((id) => ({ id, url: `http://127.0.0.1:9/${id}`, weight: 100 })),
      },
    ],
    resilience,
  });
  if (!table.ok) throw new Error(JSON.stringify(table.issues));
  return { table: compileTable(table.value), overlay: null, health: null };
}

function edge(): EdgeState {
  return new EdgeState(
    new DocumentStore(
      () => Promise.resolve(null),
      () => undefined,
    ),
    weightFirstP2c,
  );
}

/** One try of `id` ending at `now`. */
function tryOf(
  state: EdgeState,
  documents: Documents,
  id: string,
  now: number,
  rttMs: number | null,
  failed = false,
): void {
  const routing = state.routingFrom(documents, now);
  const origin = routing?.table.originById.get(id);
  if (!routing || origin === undefined) throw new Error(`no origin ${id}`);
  state.tryStarted(routing, origin);
  state.tryEnded(routing, origin, { failure: failed ? "status" : null, rttMs }, now);
  state.tryFinished(routing, origin);
}

const ejections = (state: EdgeState) => state.events.list().filter((e) => e.kind === "ejected");

describe("latency outlier ejection", () => {
  it("ejects an origin that stays 15x slower than its pool for the sustain time, and says why", () => {
    const documents = documentsFor(["a", "b", "slow"], {
      ejection: { latency: { factor: 5, sustainMs: 10_000, minRequests: 3 } },
    });
    const state = edge();
    let ejectedAt = -1;
    for (let t = 0; t <= 20_000; t += 100) {
      tryOf(state, documents, "a", t, 20);
      tryOf(state, documents, "b", t, 20);
      if (t % 1_000 === 0) tryOf(state, documents, "slow", t, 300);
      if (ejectedAt < 0 && ejections(state).length > 0) ejectedAt = t;
    }
    expect(ejectedAt).toBeGreaterThanOrEqual(10_000);
    expect(ejectedAt).toBeLessThanOrEqual(13_000);
    expect(ejections(state)).toEqual([
      expect.objectContaining({
        origin: "slow",
        detail: expect.stringMatching(
          /^latency \d+\.\d ms, above 5x the pool's typical 2\d\.\d ms for 1\d s; ejected for 30 s/,
        ) as string,
      }),
    ]);
  });

  it("ejects nobody when the whole pool is slow alike", () => {
    const documents = documentsFor(["a", "b"], {
      ejection: { latency: { sustainMs: 1_000, minRequests: 1 } },
    });
    const state = edge();
    for (let t = 0; t <= 20_000; t += 100) {
      tryOf(state, documents, "a", t, 300);
      tryOf(state, documents, "b", t, 320);
    }
    expect(ejections(state)).toEqual([]);
  });
});

describe("success-rate ejection", () => {
  it("ejects the worst-failing origins only up to the pool's share cap", () => {
    const documents = documentsFor(["a", "b", "c", "d"], {
      ejection: { consecutiveFailures: 100, maxShare: 0.25, successRate: { minRequests: 20 } },
    });
    const state = edge();
    for (let i = 0; i < 200; i++) {
      const t = 10 * i;
      tryOf(state, documents, "a", t, 20);
      tryOf(state, documents, "b", t, 20);
      tryOf(state, documents, "c", t, i % 2 === 0 ? null : 20, i % 2 === 0);
      tryOf(state, documents, "d", t, i % 2 === 1 ? null : 20, i % 2 === 1);
    }
    const events = state.events.list();
    const ejected = ejections(state).map((e) => e.origin);
    expect(ejected).toHaveLength(1);
    expect(["c", "d"]).toContain(ejected[0]);
    expect(events).toContainEqual(
      expect.objectContaining({
        kind: "ejection-capped",
        detail: expect.stringContaining(
          "but 1 of the pool's 4 origins already are (maxShare 0.25)",
        ) as string,
      }),
    );
  });
});
