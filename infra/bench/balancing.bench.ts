import { leastOutstanding } from "../../edge/balancing/least-outstanding.ts";
import { p2cPeakEwma } from "../../edge/balancing/p2c-peak-ewma.ts";
import { weightFirstP2c } from "../../edge/balancing/weight-first-p2c.ts";
import { createRoundRobin } from "../../edge/balancing/round-robin.ts";
import type { BalancingStrategy } from "../../edge/balancing/strategy.ts";
import type { Benchmark } from "./benchmark.ts";
import type { PoolScenario } from "./edge/pool-simulation.ts";
import { quantile, simulatePool } from "./edge/pool-simulation.ts";
import { selectionCostNs } from "./edge/selection-cost.ts";
import { headlineComment } from "./report.ts";
import { fillTemplate } from "./template.ts";

const PRODUCT = "weight-first P2C (product)";
const strategies: [string, () => BalancingStrategy][] = [
  ["round robin", () => createRoundRobin()],
  ["least outstanding requests", (): BalancingStrategy => leastOutstanding],
  ["P2C peak-EWMA (before)", (): BalancingStrategy => p2cPeakEwma],
  [PRODUCT, (): BalancingStrategy => weightFirstP2c],
];

const ms = (value: number): string =>
  value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(1)} ms`;

/** Balancing: the Worker's own strategy code on a simulated pool with one origin turning 10x
 * slower, and the cost of one selection. */
const benchmark: Benchmark = {
  name: "balancing",
  title: "Balancing: round robin vs least outstanding vs P2C peak-EWMA",
  async run(context) {
    const quick = context.quick;
    const log = (message: string): void => {
      context.log(message);
    };
    const scenario: PoolScenario = {
      origins: 10,
      workersPerOrigin: 4,
      serviceMs: 10,
      utilisation: 0.6,
      durationMs: quick ? 30_000 : 120_000,
      slowFactor: 10,
      slowFromMs: 0,
      slowToMs: 0,
      clientTimeoutMs: 1_000,
      seed: 42,
    };
    scenario.slowFromMs = scenario.durationMs * 0.25;
    scenario.slowToMs = scenario.durationMs * 0.75;
    const rows: string[] = [];
    const p99 = new Map<string, number>();
    for (const [name, make] of strategies) {
      log(`simulating ${name}`);
      await Promise.resolve();
      const outcome = simulatePool(make(), scenario);
      const sorted = outcome.latencies.slice().sort();
      p99.set(name, quantile(sorted, 0.99));
      const cells = [
        name,
        ms(quantile(sorted, 0.5)),
        ms(quantile(sorted, 0.99)),
        ms(quantile(sorted, 0.999)),
        `${((100 * outcome.succeeded) / outcome.requests).toFixed(3)} %`,
        `${((100 * outcome.toSlowDuringSlowdown) / Math.max(1, outcome.duringSlowdown)).toFixed(2)} %`,
      ];
      rows.push(`| ${cells.join(" | ")} |`);
    }
    const picks = quick ? 200_000 : 1_000_000;
    const costRows: string[] = [];
    let p2cAt1000 = Number.NaN;
    for (const [name, make] of strategies) {
      log(`timing one selection: ${name}`);
      const at10 = selectionCostNs(make(), 10, picks);
      const at1000 = selectionCostNs(make(), 1_000, name.startsWith("round") ? picks / 20 : picks);
      if (name === PRODUCT) p2cAt1000 = at1000;
      costRows.push(`| ${name} | ${(at10 / 1000).toFixed(3)} µs | ${(at1000 / 1000).toFixed(3)} µs |`);
    }
    const rr = p99.get("round robin") ?? Number.NaN;
    const p2c = p99.get(PRODUCT) ?? Number.NaN;
    const tailMet = p2c <= rr / 2;
    const costMet = p2cAt1000 < 2_000;
    return [
      fillTemplate("balancing-setup", {
        origins: scenario.origins,
        workers: scenario.workersPerOrigin,
        serviceMs: scenario.serviceMs,
        utilisation: scenario.utilisation * 100,
        seconds: scenario.durationMs / 1000,
        slowFactor: scenario.slowFactor,
        slowFrom: scenario.slowFromMs / 1000,
        slowTo: scenario.slowToMs / 1000,
        timeoutMs: scenario.clientTimeoutMs,
        seed: scenario.seed,
      }),
      "",
      "| strategy | p50 | p99 | p99.9 | success (< 1 s) | slow origin's share while slow |",
      "| --- | --- | --- | --- | --- | --- |",
      ...rows,
      "",
      `Target: the product's p99 (weight-first P2C) at most half of round robin's: ${ms(p2c)} vs ${ms(rr)} (ratio ${(p2c / rr).toFixed(3)}) — ${tailMet ? "met" : "NOT met"}.`,
      headlineComment({
        figure: `weight-first P2C p99 ${ms(p2c)} vs round robin ${ms(rr)}, one origin 10x slower`,
        target: "p99 at most half of round robin's",
        met: tailMet,
      }),
      "",
      "Cost of one selection (random weights, latencies and in-flight counts; median of 5 rounds):",
      "",
      "| strategy | 10 origins | 1,000 origins |",
      "| --- | --- | --- |",
      ...costRows,
      "",
      fillTemplate("balancing-cost-target", {
        cost: (p2cAt1000 / 1000).toFixed(3),
        verdict: costMet ? "met" : "NOT met",
      }),
      headlineComment({
        figure: `weight-first P2C: one selection at 1,000 origins in ${(p2cAt1000 / 1000).toFixed(3)} µs`,
        target: "under 2 µs",
        met: costMet,
      }),
    ].join("\n");
  },
};

export default benchmark;
