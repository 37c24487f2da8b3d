import { describe, expect, it } from "vitest";
import { runScript } from "../support/run-script.ts";

/** Runs `npm run bench` with `args`; none of these runs a benchmark, so BENCHMARKS.md is untouched. */
const bench = (...args: string[]) => runScript("infra/bench/main.ts", args);

describe("npm run bench's options", () => {
  it("lists every benchmark on --help and exits 0", async () => {
    const result = await bench("--help");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("usage: npm run bench [-- --only NAME[,NAME...]] [--quick]");
    expect(result.stdout).toContain(
      "(balancing, edge-faults, fleet, forecast-accuracy, proxy-overhead, replayer, scale, scaling, series-store, soak)",
    );
  });

  it("refuses a benchmark name it does not know, naming the ones there are, and runs nothing", async () => {
    const result = await bench("--only", "scaling,scalng");
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "bench: --only scaling,scalng: no benchmark named scalng; there are balancing, edge-faults, fleet, forecast-accuracy, proxy-overhead, replayer, scale, scaling, series-store, soak\n",
    );
  });

  it("refuses an unknown option with the usage, without a stack trace", async () => {
    const result = await bench("--fast");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^bench: Unknown option '--fast'/);
    expect(result.stderr).toContain("usage: npm run bench");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
