import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ModelFiles } from "./model-files.ts";
import type { SavedSeriesModel } from "./saved-model.ts";
import { SAVED_MODEL_FORMAT } from "./saved-model.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "headroom-model-files-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const saved = (version: string): SavedSeriesModel => ({
  format: SAVED_MODEL_FORMAT,
  origin: "eu-1",
  metric: "rps",
  stepSeconds: 60,
  horizon: 15,
  seasonSteps: 1440,
  historySteps: 20_160,
  scores: { "seasonal-naive": { mase: 1, smape: 10, mae: 5, coverage: 0.8 } },
  trainSeconds: { "seasonal-naive": 0.1 },
  skipped: {},
  model: { kind: "seasonal-naive", version, trainedAt: "2026-01-05T12:00:00.000Z", params: { season: 1440 } },
});

describe("ModelFiles", () => {
  it("saves by replacing the file whole, leaving no temporary file behind", async () => {
    const files = new ModelFiles(dir);
    await files.save(saved("v1"));
    await files.save(saved("v2"));
    expect((await files.load("eu-1", "rps"))?.model.model.version).toBe("v2");
    expect(await readdir(path.join(dir, "eu-1"))).toEqual(["rps.json"]);
  });

  it("loads every valid model at start and reports the unreadable ones instead of failing", async () => {
    const files = new ModelFiles(dir);
    await files.save(saved("v1"));
    await writeFile(path.join(dir, "eu-1", "p95_ms.json"), "{ truncated");
    await writeFile(
      path.join(dir, "eu-1", "cpu.json"),
      JSON.stringify({ ...saved("v1"), metric: "cpu", format: "other/9" }),
    );
    const { models, unreadable } = await files.loadAll();
    expect(models.map((m) => m.metric)).toEqual(["rps"]);
    expect(unreadable.map((u) => path.basename(u.file)).sort()).toEqual(["cpu.json", "p95_ms.json"]);
    expect(unreadable.find((u) => u.file.endsWith("cpu.json"))?.reason).toMatch(/format/);
  });

  it("answers null for a series without a model and an empty list for a missing directory", async () => {
    const files = new ModelFiles(path.join(dir, "absent"));
    expect(await files.load("eu-1", "rps")).toBeNull();
    expect(await files.loadAll()).toEqual({ models: [], unreadable: [] });
  });
});
