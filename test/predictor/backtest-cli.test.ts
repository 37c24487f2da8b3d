import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seededRng } from "../../contracts/index.ts";
import { runScript } from "../support/run-script.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "headroom-backtest-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const backtest = (args: string[]) => runScript("predictor/cli/backtest.ts", args);

async function csv(name: string, text: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}

describe("npm run backtest", () => {
  it("prints exactly one JSON object in the documented shape, resampling irregular timestamps", async () => {
    const rng = seededRng(2);
    const start = Date.UTC(2026, 0, 5);
    const rows = Array.from({ length: 3 * 288 }, (_, i) => {
      const t = new Date(start + i * 300_000 + Math.round(rng() * 60_000)).toISOString();
      return `${t},${(100 + 40 * Math.sin((2 * Math.PI * i) / 288) + 5 * rng()).toFixed(2)}`;
    });
    const file = await csv("good.csv", `timestamp,value\n${rows.join("\n")}\n`);
    const { code, stdout } = await backtest([
      "--csv",
      file,
      "--models",
      "seasonal-naive,holt-winters",
      "--json",
    ]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as Record<string, unknown>;
    expect(Object.keys(report).sort()).toEqual([
      "best",
      "horizon",
      "models",
      "points",
      "stepSeconds",
      "trainSeconds",
    ]);
    expect(report).toMatchObject({ points: 864, stepSeconds: 300, horizon: 3 });
    const models = report.models as Record<string, Record<string, number>>;
    expect(Object.keys(models).sort()).toEqual(["holt-winters", "seasonal-naive"]);
    for (const score of Object.values(models))
      expect(Object.keys(score).sort()).toEqual(["mae", "mase", "smape"]);
    expect(["holt-winters", "seasonal-naive"]).toContain(report.best);
  });

  it("exits 2 naming the line of a malformed record", async () => {
    const file = await csv(
      "bad.csv",
      "timestamp,value\n2026-01-05 00:00:00,1\n2026-01-05 00:05:00,2\n2026-01-05 00:10:00,abc\n",
    );
    const { code, stderr, stdout } = await backtest(["--csv", file, "--json"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/bad\.csv: line 4: value "abc" is not a finite number/);
    expect(stdout).toBe("");
  });

  it("exits 2 with the usage when --csv is missing or the horizon is not a number", async () => {
    expect(await backtest(["--json"])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--csv FILE is required/) as unknown,
    });
    const file = await csv("tiny.csv", "1,2\n2,3\n");
    expect(await backtest(["--csv", file, "--horizon", "soon"])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--horizon/) as unknown,
    });
  });

  it("exits 2 when the series is too short to backtest", async () => {
    const file = await csv(
      "short.csv",
      "timestamp,value\n2026-01-05T00:00:00Z,1\n2026-01-05T00:05:00Z,2\n2026-01-05T00:10:00Z,3\n",
    );
    const { code, stderr } = await backtest(["--csv", file, "--json"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/too few/);
  });
});
