import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../..");

/** Runs `npm run bench` with `args`; none of these runs a benchmark, so BENCHMARKS.md is untouched. */
async function bench(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", "infra/bench/main.ts", ...args], { cwd: root });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

describe("npm run bench's options", () => {
  it("lists every benchmark on --help and exits 0", async () => {
    const result = await bench("--help");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("usage: npm run bench [-- --only NAME[,NAME...]] [--quick]");
    expect(result.stdout).toContain("(balancing, edge-faults, forecast-accuracy, proxy-overhead, replayer, scale, scaling, soak)");
  });

  it("refuses a benchmark name it does not know, naming the ones there are, and runs nothing", async () => {
    const result = await bench("--only", "scaling,scalng");
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("bench: --only scaling,scalng: no benchmark named scalng; there are balancing, edge-faults, forecast-accuracy, proxy-overhead, replayer, scale, scaling, soak\n");
  });

  it("refuses an unknown option with the usage, without a stack trace", async () => {
    const result = await bench("--fast");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^bench: Unknown option '--fast'/);
    expect(result.stderr).toContain("usage: npm run bench");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
