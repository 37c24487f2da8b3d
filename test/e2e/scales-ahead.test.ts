import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Decision } from "../../contracts/index.ts";
import { seededRng } from "../../contracts/index.ts";
import type { ReplayProgress } from "../../infra/replayer/replayer.ts";
import type { RunningStack } from "../../infra/stack/start-stack.ts";
import { startStack } from "../../infra/stack/start-stack.ts";
import { generateRampTrace } from "../../infra/traces/ramp-trace.ts";
import { DEFAULT_TRACE_START } from "../../infra/traces/trace-options.ts";
import { FleetRecorder } from "./support/fleet-recorder.ts";
import type { ProcessInfo } from "./support/process-tree.ts";
import { descendants, isAlive } from "./support/process-tree.ts";

/*
 * The whole product on one small pool: the origin simulator, the Worker in workerd (Miniflare), the
 * predictor, the scaler in act mode and Redis, fed a load that repeats every 100 s (a 50-minute
 * trace played at 30x): flat at 10 % of its peak, a 10 s ramp to the peak, a 20 s plateau. The
 * predictor starts with 8 of those cycles as history, so its forecast sees the ramp coming; the
 * replay starts on the flat, a minute before the ramp.
 * Two origins start at one replica each (20 rps); the plateau asks 36 rps of each, 1.8 times
 * what one replica serves. Assertions are on recorded facts: the simulator's own replica and
 * utilisation samples, the scaler's decisions, and the client's count of failed requests.
 */

const TARGET = 0.6;
const CAPACITY_PER_REPLICA = 20;
const PEAK_RPS = 72;
const SPEED = 30;
const MINUTE = 60_000;
const RAMP_AT_MINUTES = 35;
const RAMP_OVER_MINUTES = 5;
const START_MINUTES = 5;
const POOL = "eu-west";

const trace = generateRampTrace(
  {
    start: DEFAULT_TRACE_START,
    minutes: 50,
    stepSeconds: 60,
    from: 10,
    to: 100,
    rampAtMinutes: RAMP_AT_MINUTES,
    rampOverMinutes: RAMP_OVER_MINUTES,
  },
  seededRng(1),
);

const fleet = {
  defaults: {
    capacityPerReplicaRps: CAPACITY_PER_REPLICA,
    initialReplicas: 1,
    minReplicas: 1,
    maxReplicas: 4,
    maxQueueDelayMs: 3_000,
  },
  pools: [
    {
      name: POOL,
      city: "Frankfurt",
      location: { lat: 50.11, lon: 8.68 },
      countries: ["DE"],
      origins: [{ id: "eu-west-1" }, { id: "eu-west-2" }],
    },
  ],
};

describe("the local stack, end to end", () => {
  const recorder = new FleetRecorder();
  let stack: RunningStack;
  let before: ProcessInfo[] = [];
  let parts: ProcessInfo[] = [];

  beforeAll(async () => {
    before = descendants(process.pid);
    stack = await startStack({
      prefix: `e2e-${randomBytes(4).toString("hex")}`,
      edgePort: 0,
      predictorPort: 0,
      scalerPort: 0,
      originBasePort: 0,
      fleet,
      trace: { kind: "points", points: trace, description: "a repeating ramp" },
      startAt: DEFAULT_TRACE_START + START_MINUTES * MINUTE,
      speed: SPEED,
      peakRps: PEAK_RPS,
      loop: true,
      stepSeconds: 2,
      backfillSeconds: 800,
      retentionSeconds: 1_800,
      horizonSeconds: 20,
      bootDelaySeconds: 2,
      scalerIntervalSeconds: 1,
      healthCheckSeconds: 2,
      // Latency and error thresholds out of reach: only the forecast of the load may act here.
      slo: {
        targetUtilization: TARGET,
        leadSeconds: 14,
        scaleInCooldownSeconds: 300,
        p95LatencyMs: 60_000,
        maxErrorRate: 1,
      },
      models: ["seasonal-naive", "holt-winters"],
      seed: 3,
      onArrival: recorder.onArrival,
    });
    recorder.start(stack.fleet, 250);
    parts = descendants(process.pid).filter((p) => !before.some((b) => b.pid === p.pid));
  }, 180_000);

  afterAll(async () => {
    recorder.stop();
    await stack.stop();
  }, 60_000);

  it("raises capacity before the forecast ramp crosses the SLO's target, and no client request fails", async () => {
    const plan = stack.traffic.plan;
    const rampTrace = DEFAULT_TRACE_START + RAMP_AT_MINUTES * MINUTE;
    const rampAt = stack.traffic.startedAt + (rampTrace - plan.options.startAt) / plan.options.speed;
    const plateauAt = rampAt + (RAMP_OVER_MINUTES * MINUTE) / SPEED;
    // The first ramp plays in real time: wait for its plateau to have lasted a few seconds.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, plateauAt + 8_000 - Date.now())));
    const summary: ReplayProgress = await stack.traffic.stop();
    recorder.stop();
    const { decisions } = (await (await fetch(`${stack.urls.api}decisions?limit=1000`)).json()) as {
      decisions: Decision[];
    };

    // No client request failed (timeouts, resets, 5xx and requests dropped at the cap all count).
    expect(summary.sent).toBeGreaterThan(1_000);
    expect(summary.failures).toEqual({
      timeout: 0,
      connect: 0,
      "http-5xx": 0,
      "http-4xx": 0,
      capped: 0,
      other: 0,
    });

    // The load did grow past what the first replicas could carry at the target (the test is not
    // vacuous): the per-origin arrival rate crossed target x the initial capacity on the ramp.
    const rates = recorder.arrivalRates(4_000);
    const loadCrossing = rates.find((r) => r.rps > TARGET * CAPACITY_PER_REPLICA);
    expect(loadCrossing, "the ramp's load never exceeded the target on the initial capacity").toBeDefined();
    expect(Math.max(...rates.filter((r) => r.at >= plateauAt).map((r) => r.rps))).toBeGreaterThan(
      CAPACITY_PER_REPLICA,
    );

    // The scaler decided on the forecast, and the new replicas were serving before that load came.
    const scaleOuts = decisions
      .filter((d) => d.pool === POOL && d.action === "scale-out" && d.applied)
      .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    const first = scaleOuts[0];
    expect(
      first,
      `no applied scale-out among ${decisions.map((d) => `${d.action}: ${d.reason}`).join(" | ")}`,
    ).toBeDefined();
    expect(first?.reason).toMatch(new RegExp(`^${POOL} forecast `));
    const served = recorder.first((s) => s.serving > 1, stack.traffic.startedAt);
    expect(served, "no origin ever served more than its first replica").toBeDefined();
    const decidedAt = Date.parse(first?.at ?? "");
    const servedAt = served?.at ?? Number.POSITIVE_INFINITY;
    expect(decidedAt).toBeLessThan(servedAt);
    expect(servedAt).toBeLessThan(loadCrossing?.at ?? 0);

    // And the simulated origins' own utilisation crossed the target only after that, if ever.
    console.log(
      "FACTS",
      JSON.stringify({
        start: stack.traffic.startedAt,
        rampAt: rampAt - stack.traffic.startedAt,
        decided: decidedAt - stack.traffic.startedAt,
        served: servedAt - stack.traffic.startedAt,
        crossing: (loadCrossing?.at ?? 0) - stack.traffic.startedAt,
        reason: first?.reason,
        sent: summary.sent,
        p95: summary.latency,
      }),
    );
    const hot = recorder.first((s) => s.utilization > TARGET, stack.traffic.startedAt);
    if (hot) expect(hot.at).toBeGreaterThan(servedAt);
  }, 240_000);

  it("stops every process it started, workerd included", async () => {
    const names = parts.map((p) => p.name);
    expect(names).toContain("workerd");
    expect(parts.length).toBeGreaterThanOrEqual(4);
    await stack.stop();
    expect(parts.filter((p) => isAlive(p.pid))).toEqual([]);
    expect(descendants(process.pid).filter((p) => !before.some((b) => b.pid === p.pid))).toEqual([]);
  }, 60_000);
});
