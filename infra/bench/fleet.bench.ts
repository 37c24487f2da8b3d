import { leastOutstanding } from "../../edge/balancing/least-outstanding.ts";
import { p2cPeakEwma } from "../../edge/balancing/p2c-peak-ewma.ts";
import { createRoundRobin } from "../../edge/balancing/round-robin.ts";
import type { BalancingStrategy } from "../../edge/balancing/strategy.ts";
import { weightFirstP2c } from "../../edge/balancing/weight-first-p2c.ts";
import type { Benchmark } from "./benchmark.ts";
import type { FleetRow } from "./edge/fleet-scenarios.ts";
import { FAIL_SHARE, WEIGHTED, fleetRow, slowScenario } from "./edge/fleet-scenarios.ts";
import { selectionCostNs } from "./edge/selection-cost.ts";
import { headlineComment } from "./report.ts";
import { fillTemplate } from "./template.ts";

const PRODUCT = "weight-first P2C (product)";
const strategies: [string, () => BalancingStrategy][] = [
  ["round robin", () => createRoundRobin()],
  ["least outstanding requests", () => leastOutstanding],
  ["P2C peak-EWMA (before)", () => p2cPeakEwma],
  [PRODUCT, () => weightFirstP2c],
];
const FLEETS = [1, 10, 100, 1_000];

const ms = (value: number): string =>
  value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(1)} ms`;
const pct = (share: number): string => `${(100 * share).toFixed(2)} %`;

/** The targets of issue 25 for the product's rule at one fleet size, and whether each is met. */
function verdicts(isolates: number, product: FleetRow, roundRobin: FleetRow): string {
  const tail = product.p99 <= roundRobin.p99 / 2;
  const weights = product.adherenceGap <= 3;
  const failing = product.failingShareOfWeight <= 2 / 3;
  const word = (met: boolean): string => (met ? "met" : "NOT met");
  return fillTemplate("fleet-verdict", {
    isolates: isolates.toLocaleString("en"),
    plural: isolates === 1 ? "" : "s",
    p99: ms(product.p99),
    roundRobinP99: ms(roundRobin.p99),
    tailVerdict: word(tail),
    gap: product.adherenceGap.toFixed(2),
    gapVerdict: word(weights),
    failingShare: product.failingShareOfWeight.toFixed(2),
    failingVerdict: word(failing),
  });
}

/** Fleet: the pool simulation served by 1 to 1,000 isolates, each with its own balancer state,
 * replaced as they age so many start cold. */
const benchmark: Benchmark = {
  name: "fleet",
  title: "Balancing across a fleet of isolates: weights, a slow origin, a failing origin",
  async run(context) {
    const durationMs = context.quick ? 30_000 : 120_000;
    const seed = 42;
    const rows: string[] = [];
    const targets: string[] = [];
    const worst = { tail: 0, gap: 0, failing: 0 };
    for (const isolates of FLEETS) {
      const results = new Map<string, FleetRow>();
      for (const [name, make] of strategies) {
        context.log(`${isolates} isolates: ${name}`);
        await Promise.resolve();
        const row = fleetRow(make, isolates, durationMs, seed);
        results.set(name, row);
        const cells = [
          isolates.toLocaleString("en"),
          name,
          ms(row.p50),
          ms(row.p99),
          ms(row.p999),
          pct(row.slowShare),
          row.adherenceGap.toFixed(2),
          row.failingShareOfWeight.toFixed(2),
          pct(row.failingClientFailures),
          row.coldStarts.toLocaleString("en"),
        ];
        rows.push(`| ${cells.join(" | ")} |`);
      }
      const product = results.get(PRODUCT);
      const roundRobin = results.get("round robin");
      if (product && roundRobin) {
        targets.push(verdicts(isolates, product, roundRobin));
        worst.tail = Math.max(worst.tail, product.p99 / roundRobin.p99);
        worst.gap = Math.max(worst.gap, product.adherenceGap);
        worst.failing = Math.max(worst.failing, product.failingShareOfWeight);
      }
    }
    const picks = context.quick ? 200_000 : 1_000_000;
    const costRows: string[] = [];
    let productCost = Number.NaN;
    for (const [name, make] of strategies) {
      if (name === "round robin") continue;
      context.log(`timing one selection: ${name}`);
      const at1000 = selectionCostNs(make(), 1_000, picks);
      if (name === PRODUCT) productCost = at1000;
      costRows.push(`| ${name} | ${(at1000 / 1000).toFixed(3)} µs | ${at1000 < 2_000 ? "met" : "NOT met"} |`);
    }
    const slow = slowScenario(1, durationMs, seed);
    const totalWeight = WEIGHTED.reduce((sum, w) => sum + w, 0);
    return [
      fillTemplate("fleet-setup", { seconds: durationMs / 1000, seed }),
      "",
      fillTemplate("fleet-pool-slow", {
        origins: slow.origins.length,
        from: (durationMs * 0.25) / 1000,
        to: (durationMs * 0.75) / 1000,
      }),
      fillTemplate("fleet-pool-weights", {
        weights: WEIGHTED.join("/"),
        shares: WEIGHTED.map((w) => `${((100 * w) / totalWeight).toFixed(0)} %`).join(", "),
      }),
      fillTemplate("fleet-pool-failing", { failPercent: FAIL_SHARE * 100 }),
      "",
      "| isolates | strategy | p50 | p99 | p99.9 | slow origin's share while slow | weight gap (points) | failing origin, share of its weight share | POST failures | cold starts |",
      "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
      ...rows,
      "",
      "Targets (issue 25) for the product's rule at every fleet size:",
      "",
      ...targets,
      "",
      "Cost of one selection among 1,000 origins (random weights, latencies, in-flight counts and failure shares; median of 5 rounds); target under 2 µs:",
      "",
      "| strategy | 1,000 origins | under 2 µs |",
      "| --- | ---: | --- |",
      ...costRows,
      "",
      headlineComment({
        figure: `weight-first P2C, 1 to 1,000 isolates: p99 at most ${worst.tail.toFixed(2)} of round robin's with one origin 10x slow`,
        target: "at most 0.5 at every fleet size",
        met: worst.tail <= 0.5,
      }),
      headlineComment({
        figure: `weight-first P2C, 1 to 1,000 isolates: weights held within ${worst.gap.toFixed(2)} points`,
        target: "within 3 points",
        met: worst.gap <= 3,
      }),
      headlineComment({
        figure: `weight-first P2C, 1 to 1,000 isolates: an origin failing fast on 15 % gets at most ${worst.failing.toFixed(2)} of its weight share`,
        target: "at most 0.67",
        met: worst.failing <= 2 / 3,
      }),
      headlineComment({
        figure: `weight-first P2C: one selection among 1,000 origins in ${(productCost / 1000).toFixed(3)} µs`,
        target: "under 2 µs",
        met: productCost < 2_000,
      }),
    ].join("\n");
  },
};

export default benchmark;
