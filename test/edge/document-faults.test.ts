import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HealthReport } from "../../contracts/health-report.ts";
import type { WeightsOverlay } from "../../contracts/weights-overlay.ts";
import { EdgeWorker } from "./support/edge-worker.ts";
import { statusAt } from "./support/status.ts";
import { FRANKFURT, PARIS, originTable } from "./support/tables.ts";
import { TestOrigin } from "./support/test-origin.ts";
import { sendMany, sharesOf } from "./support/traffic.ts";

// Faults in the KV documents under real traffic: the Worker keeps serving from the last valid
// table, overlay and health report, and says so on /__lb/status. The valid state is built so
// that each document matters: the overlay drains `drained`, the health report takes `sick` out,
// so only `kept` serves while all three are honoured.

const T0 = Date.UTC(2026, 0, 1);
const STEP = 10_000; // past the isolate cache's 5 s TTL: every step reads KV again
let edge: EdgeWorker;
let kept: TestOrigin, drained: TestOrigin, sick: TestOrigin;
let kv: Awaited<ReturnType<EdgeWorker["kv"]>>;
let now = T0;

const valid = {
  table: () =>
    JSON.stringify(
      originTable(
        1,
        [
          {
            name: "eu",
            location: FRANKFURT,
            origins: [{ origin: kept }, { origin: drained }, { origin: sick }],
          },
        ],
        { resilience: { panicThreshold: 0, healthCheck: { staleAfterMs: 3_600_000 } } },
      ),
    ),
  weights: () =>
    JSON.stringify({
      version: 1,
      updatedAt: new Date(T0).toISOString(),
      expiresAt: new Date(T0 + 3_600_000).toISOString(),
      factors: { [drained.name]: 0 },
    } satisfies WeightsOverlay),
  health: () =>
    JSON.stringify({
      checkedAt: new Date(T0).toISOString(),
      origins: { [sick.name]: { healthy: false, consecutiveFailures: 3 } },
    } satisfies HealthReport),
};
type Name = keyof typeof valid;

/** Each fault as what it leaves in KV (null: the key is deleted). */
const FAULTS: [string, (name: Name) => string | null, RegExp][] = [
  ["missing", () => null, /no table is stored|gone from KV/],
  ["truncated", (name) => valid[name]().slice(0, 50), /invalid JSON \(truncated or corrupted\)/],
  [
    "of the wrong shape",
    (name) =>
      JSON.stringify({
        ...(JSON.parse(valid[name]()) as object),
        ...(name === "health" ? { origins: [] } : { pools: "eu", factors: [0] }),
      }),
    /is invalid/,
  ],
  [
    "of a newer unknown version",
    (name) => JSON.stringify({ ...(JSON.parse(valid[name]()) as object), schemaVersion: 2 }),
    /does not know \(schemaVersion\)/,
  ],
];

async function servedOnlyByKept(): Promise<void> {
  now += STEP;
  const answers = await sendMany(edge, 12, 3, (i) => ({ geo: PARIS, now: now + i, seed: i }));
  expect(answers.filter((a) => a.status !== 200)).toEqual([]);
  expect(sharesOf(answers)).toEqual({ [kept.name]: 1 });
}

beforeAll(async () => {
  [edge, kept, drained, sick] = await Promise.all([
    EdgeWorker.start(),
    TestOrigin.start("df-kept"),
    TestOrigin.start("df-drained"),
    TestOrigin.start("df-sick"),
  ]);
  kv = await edge.kv();
  for (const name of ["table", "weights", "health"] as const) await kv.put(name, valid[name]());
});
afterAll(async () => {
  await Promise.all([edge.stop(), kept.stop(), drained.stop(), sick.stop()]);
});

describe("faulty documents in KV", () => {
  it("serves from the table, overlay and health report while all three are valid", async () => {
    await servedOnlyByKept();
    expect((await statusAt(edge, now)).problems).toEqual([]);
  });

  describe.each(["table", "weights", "health"] as const)("the %s document", (name) => {
    it.each(FAULTS)(
      "keeps serving from the last valid state when it is %s, and says so on /__lb/status",
      async (_fault, text, message) => {
        const broken = text(name);
        if (broken === null) await kv.delete(name);
        else await kv.put(name, broken);
        await servedOnlyByKept();
        const problems = (await statusAt(edge, now)).problems as { document: string; message: string }[];
        expect(problems).toEqual([
          expect.objectContaining({ document: name, message: expect.stringMatching(message) as string }),
        ]);
        expect(problems[0]?.message).toMatch(/serving from the last valid one|keeping the last valid/);
        // Repaired: the problem clears, and the same state keeps serving.
        await kv.put(name, valid[name]());
        await servedOnlyByKept();
        expect((await statusAt(edge, now)).problems).toEqual([]);
      },
    );
  });
});
