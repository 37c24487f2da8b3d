// The scaler's Worker admin writer against the real Worker (workerd via Miniflare, real KV):
// the table it reads and the overlays it writes go through the edge's own rules.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WeightsOverlay } from "../../contracts/index.ts";
import { StaleVersionError } from "../../scaler/http/http-errors.ts";
import { tableOf } from "../../scaler/policy/policy-fixtures.ts";
import { workerAdminWriter } from "../../scaler/writers/worker-admin-writer.ts";
import { EdgeWorker, TEST_ADMIN_TOKEN } from "../edge/support/edge-worker.ts";

let edge: EdgeWorker | undefined;
let url = "";
beforeAll(async () => {
  edge = await EdgeWorker.start();
  url = (await edge.mf.ready).origin;
});
afterAll(async () => {
  await edge?.stop();
});

const table = tableOf([
  { name: "eu-west", fallback: "us-east", origins: [["eu-1", 100]] },
  { name: "us-east", origins: [["us-1", 100]] },
]);
const overlay = (version: number): WeightsOverlay => ({
  version,
  updatedAt: "2026-03-02T14:00:00.000Z",
  expiresAt: "2099-01-01T00:00:00.000Z",
  factors: { "eu-1": 0.6 },
  spill: { "eu-west": 0.25 },
  reason: "integration",
});

describe("Worker admin writer against the real Worker", () => {
  it("reads the stored table, writes overlays the Worker applies, and gets a 409 for a stale one", async () => {
    if (!edge) throw new Error("no worker");
    const put = await edge.admin("PUT", "/__lb/table", table);
    expect(put.status).toBe(200);
    const writer = workerAdminWriter({ url, token: TEST_ADMIN_TOKEN });
    expect(await writer.readTable()).toEqual(table);
    expect(await writer.readWeights()).toBeNull();
    await writer.writeWeights(overlay(1_000));
    expect(await writer.readWeights()).toEqual(overlay(1_000));
    await expect(writer.writeWeights(overlay(999))).rejects.toBeInstanceOf(StaleVersionError);
    const refused = await workerAdminWriter({ url, token: "wrong" })
      .writeWeights(overlay(2_000))
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ retryable: false });
    expect(await writer.readWeights()).toEqual(overlay(1_000));
  });
});
