import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseTraceCsv } from "../../contracts/index.ts";
import { parseEventFile } from "../../scaler/sim/event-file.ts";
import { runScript } from "../../test/support/run-script.ts";

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "generate-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("trace generator command", () => {
  it("writes the trace on stdout and, with --events-out, its flash crowds as events the replay reads", async () => {
    const events = path.join(dir, "crowds.json");
    const result = await runScript("infra/traces/generate.ts", [
      "--days",
      "2",
      "--step",
      "300",
      "--seed",
      "3",
      "--flash-crowds",
      "2",
      "--events-out",
      events,
    ]);
    expect(result.code, result.stderr).toBe(0);
    const { points } = parseTraceCsv(result.stdout);
    expect(points).toHaveLength(2 * 288);
    const parsed = parseEventFile(await readFile(events, "utf8"));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    expect(parsed.value.map((e) => e.id)).toEqual(["flash-crowd-1", "flash-crowd-2"]);
    for (const event of parsed.value) {
      expect(Date.parse(event.start)).toBeGreaterThan(points[0]?.t ?? 0);
      expect(Date.parse(event.end)).toBeLessThan((points.at(-1)?.t ?? 0) + 300_000);
    }
  });

  it("exits 2 when asked for the events of a ramp, which has none", async () => {
    const result = await runScript("infra/traces/generate.ts", [
      "--shape",
      "ramp",
      "--events-out",
      path.join(dir, "ramp.json"),
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("generate: --events-out: a ramp has no flash crowds to schedule\n");
  });
});
