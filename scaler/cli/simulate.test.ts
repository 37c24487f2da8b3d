import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seededRng } from "../../contracts/index.ts";
import { runScript } from "../../test/support/run-script.ts";

const KEYS = [
  "sloViolationMinutes",
  "overProvisionedReplicaMinutes",
  "replicaMinutes",
  "scalingActions",
  "thetaU",
  "thetaO",
  "tauU",
  "tauO",
];

let dir = "";
let trace = "";

/** Six days at 5-minute steps: 100 rps at night, a 20-minute ramp to 500 rps at 08:00, back
 * down at 18:00 — a daily shape the models learn and a reactive rule meets late every morning.
 * With `noise`, each point is scaled by a seeded uniform factor within ±noise. */
function dailyRampCsv(noise = 0): string {
  const lines = ["timestamp,value"];
  const start = Date.UTC(2026, 0, 5);
  const rng = seededRng(7);
  for (let i = 0; i < 6 * 288; i++) {
    const t = start + i * 300_000;
    const minute = (t / 60_000) % 1440;
    const up = Math.min(1, Math.max(0, (minute - 480) / 20));
    const down = minute >= 1080 ? Math.min(1, (minute - 1080) / 60) : 0;
    const load = 100 + 400 * up * (1 - down);
    const factor = noise > 0 ? 1 - noise + 2 * noise * rng() : 1;
    lines.push(`${new Date(t).toISOString()},${(load * factor).toFixed(1)}`);
  }
  return `${lines.join("\n")}\n`;
}

const simulate = (...args: string[]) => runScript("scaler/cli/simulate.ts", args);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "simulate-"));
  trace = path.join(dir, "daily-ramp.csv");
  await writeFile(trace, dailyRampCsv());
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("simulate command", () => {
  it("prints exactly the elasticity metrics, and the predictive policy meets the morning ramp that the reactive one misses", async () => {
    const common = ["--csv", trace, "--json", "--train-fraction", "0.5", "--rps-per-replica", "50"];
    const [predictive, reactive, fixed] = await Promise.all([
      simulate(...common, "--policy", "predictive", "--models", "seasonal-naive,holt-winters"),
      simulate(...common, "--policy", "reactive"),
      simulate(...common, "--policy", "static"),
    ]);
    for (const result of [predictive, reactive, fixed]) expect(result.code, result.stderr).toBe(0);
    const [p, r, s] = [predictive, reactive, fixed].map(
      (result) => JSON.parse(result.stdout) as Record<string, number>,
    );
    if (!p || !r || !s) throw new Error("no output");
    expect(Object.keys(p)).toEqual(KEYS);
    expect(Object.keys(r)).toEqual(KEYS);
    expect(r.sloViolationMinutes).toBeGreaterThan(30);
    expect(p.sloViolationMinutes).toBeLessThan(0.2 * (r.sloViolationMinutes ?? 0));
    expect(p.tauU).toBeLessThan(r.tauU ?? 0);
    expect(s.scalingActions).toBe(0);
    // The static fleet, sized for the median (100 rps), is overwhelmed every day.
    expect(s.sloViolationMinutes).toBeGreaterThan(r.sloViolationMinutes ?? 0);
  });

  it("replays the AWS-style baseline, whose hourly minimum meets the morning ramp the HPA alone misses", async () => {
    const common = ["--csv", trace, "--json", "--train-fraction", "0.5", "--rps-per-replica", "50"];
    const [aws, reactive] = await Promise.all([
      simulate(...common, "--policy", "aws-predictive", "--models", "seasonal-naive"),
      simulate(...common, "--policy", "reactive"),
    ]);
    expect(aws.code, aws.stderr).toBe(0);
    const [a, r] = [aws, reactive].map((result) => JSON.parse(result.stdout) as Record<string, number>);
    expect(Object.keys(a ?? {})).toEqual(KEYS);
    expect(a?.sloViolationMinutes).toBeLessThan(0.1 * (r?.sloViolationMinutes ?? 0));
  });

  it("--frontier prints one JSON object: the policy's point, both baselines' curves at five targets and the readings", async () => {
    const result = await simulate(
      "--csv",
      trace,
      "--frontier",
      "--models",
      "seasonal-naive",
      "--train-fraction",
      "0.5",
      "--rps-per-replica",
      "50",
    );
    expect(result.code, result.stderr).toBe(0);
    type Reading = {
      curve: { target: number; replicaMinutes: number; sloViolationMinutes: number }[];
      extended: boolean;
      violationRatioAtEqualSpend: number | null;
      spendRatioAtEqualViolations: number | null;
      frontierViolationsAtSpend: number | null;
      frontierSpendAtViolations: number | null;
      notes: string[];
    };
    const out = JSON.parse(result.stdout) as {
      trace: string;
      violationUtilization: number;
      policy: { replicaMinutes: number; sloViolationMinutes: number };
      reactive: Reading;
      awsPredictive: Reading;
      model: { kind: string; forecastRequests: number; forecastCacheHitRate: number };
    };
    expect(Object.keys(out)).toEqual([
      "trace",
      "violationUtilization",
      "policy",
      "reactive",
      "awsPredictive",
      "model",
    ]);
    expect(out.trace).toBe(trace);
    expect(out.violationUtilization).toBe(0.7);
    expect(out.model.kind).toBe("seasonal-naive");
    // The AWS baseline's forecasts come from the policy's where they coincide.
    expect(out.model.forecastCacheHitRate).toBeGreaterThan(0.3);
    for (const reading of [out.reactive, out.awsPredictive]) {
      // The five targets, and any added beyond them, most frugal (highest target) first.
      const targets = reading.curve.map((p) => p.target);
      expect(targets).toEqual(expect.arrayContaining([0.7, 0.6, 0.5, 0.4, 0.3]));
      expect(targets).toEqual([...targets].sort((x, y) => y - x));
      expect(reading.extended).toBe(reading.curve.length > 5);
      // Lower targets cost more.
      const spend = reading.curve.map((p) => p.replicaMinutes);
      expect(spend).toEqual([...spend].sort((x, y) => x - y));
    }
    // The HPA at 0.7 is late every morning; the policy is not, so at its spend the reactive
    // frontier has more violation minutes than it does.
    const policy = out.policy;
    const r = out.reactive;
    expect(r.curve[0]?.sloViolationMinutes).toBeGreaterThan(30);
    expect(r.frontierViolationsAtSpend).not.toBeNull();
    expect(r.violationRatioAtEqualSpend).toBeCloseTo(
      policy.sloViolationMinutes / (r.frontierViolationsAtSpend ?? 1),
      9,
    );
    expect(r.violationRatioAtEqualSpend).toBeLessThan(0.2);
    // Every null comes with a reason.
    for (const reading of [r, out.awsPredictive])
      if (reading.violationRatioAtEqualSpend === null || reading.spendRatioAtEqualViolations === null)
        expect(reading.notes.length).toBeGreaterThan(0);
  });

  it("exits 2 on flags that do not go together", async () => {
    const events = path.join(dir, "combo-events.json");
    await writeFile(events, "[]");
    const both = await simulate("--csv", trace, "--frontier", "--policy", "reactive");
    expect(both.code).toBe(2);
    expect(both.stderr).toContain(
      '--frontier replays the product\'s policy and both baselines itself: leave out --policy (got "reactive")',
    );
    const aws = await simulate("--csv", trace, "--policy", "aws-predictive", "--events", events);
    expect(aws.code).toBe(2);
    expect(aws.stderr).toContain(
      "--events: only the predictive policy is told of scheduled events (not aws-predictive)",
    );
    const frontier = await simulate("--csv", trace, "--frontier", "--events", events);
    expect(frontier.code).toBe(2);
    expect(frontier.stderr).toContain("--events: not with --frontier");
    const neither = await simulate("--csv", trace);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain(
      "--policy: must be one of predictive, reactive, static, aws-predictive, or give --frontier",
    );
  });

  it("exits 2 naming the line of a malformed trace", async () => {
    const bad = path.join(dir, "bad.csv");
    await writeFile(bad, "timestamp,value\n2026-01-05T00:00:00Z,10\n2026-01-05T00:05:00Z,ten\n");
    const result = await simulate("--csv", bad, "--policy", "reactive", "--json");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('bad.csv: line 3: value "ten" is not a finite number');
    expect(result.stdout).toBe("");
  });

  it("passes the trade-off to the predictive policy: a tight spend ceiling pays less and runs above target more than a loose one", async () => {
    const noisy = path.join(dir, "noisy-ramp.csv");
    await writeFile(noisy, dailyRampCsv(0.2));
    const replay = async (...flags: string[]) => {
      const result = await simulate(
        "--csv",
        noisy,
        "--policy",
        "predictive",
        "--models",
        "seasonal-naive",
        "--train-fraction",
        "0.5",
        "--rps-per-replica",
        "50",
        "--json",
        ...flags,
      );
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout) as Record<string, number>;
    };
    const [tight, loose] = await Promise.all([
      replay("--spend-ceiling", "1"),
      replay("--spend-ceiling", "3"),
    ]);
    expect(tight.replicaMinutes).toBeLessThan(0.9 * (loose.replicaMinutes ?? 0));
    expect(tight.sloViolationMinutes).toBeGreaterThan(10 * (loose.sloViolationMinutes ?? 0));
  });

  it("tells the predictive policy of scheduled events: a one-off surge the models cannot see is met when it is scheduled", async () => {
    // Flat 100 rps for four days, and once, on the fourth, an hour at 600 rps (a launch).
    const lines = ["timestamp,value"];
    const start = Date.UTC(2026, 0, 5);
    const surge = start + 3 * 86_400_000 + 12 * 3_600_000;
    for (let i = 0; i < 4 * 288; i++) {
      const t = start + i * 300_000;
      lines.push(`${new Date(t).toISOString()},${t >= surge && t < surge + 3_600_000 ? 600 : 100}`);
    }
    const launch = path.join(dir, "launch.csv");
    await writeFile(launch, `${lines.join("\n")}\n`);
    const events = path.join(dir, "launch-events.json");
    // Scheduled with a five-minute margin either side, as an operator would: the replay reads
    // the load between 5-minute bucket means, so it starts rising half a bucket early.
    await writeFile(
      events,
      JSON.stringify([
        {
          id: "launch",
          start: new Date(surge - 300_000).toISOString(),
          end: new Date(surge + 3_900_000).toISOString(),
          expectedRps: 600,
          note: "product launch",
        },
      ]),
    );
    const common = [
      "--csv",
      launch,
      "--policy",
      "predictive",
      "--models",
      "seasonal-naive",
      "--rps-per-replica",
      "50",
      "--json",
    ];
    const [blind, told] = await Promise.all([simulate(...common), simulate(...common, "--events", events)]);
    expect(blind.code, blind.stderr).toBe(0);
    expect(told.code, told.stderr).toBe(0);
    const [b, t] = [blind, told].map((r) => JSON.parse(r.stdout) as Record<string, number>);
    // Blind, the surge runs above target for at least the boot time (5 min) before replicas serve.
    expect(b?.sloViolationMinutes).toBeGreaterThanOrEqual(5);
    expect(t?.sloViolationMinutes).toBe(0);
    expect(t?.replicaMinutes).toBeLessThan((b?.replicaMinutes ?? 0) * 1.1);
  });

  it("exits 2 listing every problem of an event file, and refuses events for a policy that cannot use them", async () => {
    const bad = path.join(dir, "bad-events.json");
    await writeFile(
      bad,
      JSON.stringify([
        { id: "a", start: "2026-01-08T12:00:00Z", end: "2026-01-08T11:00:00Z", expectedRps: 600 },
        {
          id: "a",
          pool: "eu-west",
          start: "2026-01-08T12:00:00Z",
          end: "2026-01-08T13:00:00Z",
          expectedRps: "many",
        },
      ]),
    );
    const result = await simulate("--csv", trace, "--policy", "predictive", "--events", bad);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `${bad} is invalid:\n  [0].end: must be after start (2026-01-08T12:00:00Z)\n  [1].pool: leave it out: a replay has one pool\n  [1].expectedRps: must be a number\n  [1].id: "a" is already the id of [0]`,
    );
    const syntax = path.join(dir, "syntax-events.json");
    await writeFile(syntax, '[\n  { "id": "a",\n    "start": "x" "end": "y" }\n]');
    const broken = await simulate("--csv", trace, "--policy", "predictive", "--events", syntax);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/\(root\): is not valid JSON or YAML: .* at line 3, column \d+/);
    const reactive = await simulate("--csv", trace, "--policy", "reactive", "--events", bad);
    expect(reactive.code).toBe(2);
    expect(reactive.stderr).toContain(
      "--events: only the predictive policy is told of scheduled events (not reactive)",
    );
  });

  it("exits 2 on a bad flag, listing every problem", async () => {
    const result = await simulate(
      "--csv",
      trace,
      "--policy",
      "clairvoyant",
      "--boot-seconds=-5",
      "--spend-ceiling",
      "0.5",
      "--violation-budget=0.6",
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      '--policy: must be one of predictive, reactive, static, aws-predictive, or give --frontier (got "clairvoyant")',
    );
    expect(result.stderr).toContain("--boot-seconds -5: must be at least 0");
    expect(result.stderr).toContain("--spend-ceiling 0.5: must be at least 1");
    expect(result.stderr).toContain("--violation-budget 0.6: must be at most 0.5");
    expect(result.stderr).toContain(
      "--violation-budget and --spend-ceiling: give one (an SLO states one trade-off, a violation budget or a spend ceiling)",
    );
  });

  it("refuses the sizing knobs that are the policy's own", async () => {
    for (const flag of ["--sizing-quantile", "--band-cap", "--excursion-price", "--shortfall-price"]) {
      const result = await simulate("--csv", trace, "--policy", "predictive", flag, "1");
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`Unknown option '${flag}'`);
    }
  });

  it("prints what every option means, with its default, on --help and exits 0", async () => {
    const result = await simulate("--help");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      "usage: npm run -s simulate -- --csv FILE (--policy predictive|reactive|static|aws-predictive | --frontier)",
    );
    expect(result.stdout).toMatch(
      /--violation-budget N +the SLO's trade-off as a violation budget: share of time the origin may run above its target; 0 sizes at a fixed quantile \(default 0\.02\)/,
    );
    expect(result.stdout).toMatch(/--spend-ceiling N +the SLO's trade-off as a spend ceiling instead: /);
    expect(result.stdout).toMatch(
      /--boot-seconds N +from a scale-out to the replicas serving \(default 300\)/,
    );
    for (const flag of [
      "--csv",
      "--policy",
      "--frontier",
      "--json",
      "--column",
      "--models",
      "--rps-per-replica",
      "--violation-budget",
      "--spend-ceiling",
      "--seed",
    ])
      expect(result.stdout).toContain(`  ${flag} `);
    expect(result.stderr).toBe("");
  });
});
