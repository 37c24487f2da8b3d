import { describe, expect, it } from "vitest";
import { seededRng } from "../../contracts/index.ts";
import { exponential } from "../traces/random-variates.ts";
import { OriginQueue } from "./origin-queue.ts";
import { mmckSteadyState, mmcMeanResponseSeconds } from "./queueing-theory.ts";
import { virtualScheduler } from "./scheduler.ts";

const settings = { workersPerReplica: 2, capacityPerReplicaRps: 20, maxQueueDelayMs: 1000 };
const replicas = 2;
const capacity = replicas * settings.capacityPerReplicaRps;

/** Offers Poisson traffic at `utilization` x capacity in virtual time and measures the outcome. */
function offer(
  utilization: number,
  arrivals = 60_000,
  seed = 11,
): { meanResponseMs: number; shedShare: number; busyFraction: number; queueLimit: number } {
  const scheduler = virtualScheduler(0);
  const rng = seededRng(seed);
  const queue = new OriginQueue({ settings, replicas: () => replicas, scheduler, rng });
  let served = 0;
  let shed = 0;
  let totalMs = 0;
  let busyFraction = 0;
  for (let i = 0; i < arrivals; i++) {
    scheduler.advance(exponential(rng, utilization * capacity) * 1000);
    if (i === arrivals - 1) busyFraction = queue.busyFraction();
    queue.submit((outcome) => {
      if (outcome.kind === "served") {
        served++;
        totalMs += outcome.waitMs + outcome.serviceMs;
      } else shed++;
    });
  }
  scheduler.advance(120_000);
  return {
    meanResponseMs: totalMs / served,
    shedShare: shed / arrivals,
    busyFraction,
    queueLimit: queue.queueLimit,
  };
}

describe("origin queue (M/M/c/K run event by event)", () => {
  it("has the mean latency queueing theory predicts, rising steeply towards capacity", () => {
    const serviceRate = settings.capacityPerReplicaRps / settings.workersPerReplica;
    const servers = replicas * settings.workersPerReplica;
    const runs = [0.3, 0.7, 0.9].map((u) => offer(u));
    const measured = runs.map((run) => run.meanResponseMs);
    [0.3, 0.7, 0.9].forEach((u, i) => {
      const theory =
        mmckSteadyState(u * capacity, serviceRate, servers, runs[i]?.queueLimit ?? 0).meanResponseSeconds *
        1000;
      expect(measured[i]).toBeGreaterThan(theory * 0.92);
      expect(measured[i]).toBeLessThan(theory * 1.08);
    });
    // Far from the queue bound, the bounded queue is the classic M/M/c (Erlang C) one.
    const erlang = mmcMeanResponseSeconds(0.3 * capacity, serviceRate, servers) * 1000;
    expect(measured[0]).toBeCloseTo(erlang, -1);
    const [low = 0, mid = 0, high = 0] = measured;
    expect(mid).toBeGreaterThan(low * 1.3);
    expect(high).toBeGreaterThan(mid * 1.5);
  });

  it("serves everything below capacity and sheds the excess past it, as M/M/c/K predicts", () => {
    const serviceRate = settings.capacityPerReplicaRps / settings.workersPerReplica;
    const servers = replicas * settings.workersPerReplica;
    const below = offer(0.6);
    expect(below.shedShare).toBe(0);
    const past = offer(1.4);
    const theory = mmckSteadyState(1.4 * capacity, serviceRate, servers, past.queueLimit);
    expect(past.shedShare).toBeGreaterThan(theory.blocking - 0.02);
    expect(past.shedShare).toBeLessThan(theory.blocking + 0.02);
    // Waiting is bounded by the queue: about maxQueueDelayMs at most, never seconds more.
    expect(past.meanResponseMs).toBeLessThan(settings.maxQueueDelayMs + 200);
  });

  it("reports a busy fraction that follows utilisation", () => {
    expect(offer(0.3).busyFraction).toBeLessThan(0.5);
    expect(offer(1.4).busyFraction).toBeGreaterThan(0.95);
  });

  it("withdraws a waiting request whose client went away", () => {
    const scheduler = virtualScheduler(0);
    const queue = new OriginQueue({
      settings: { workersPerReplica: 1, capacityPerReplicaRps: 10, maxQueueDelayMs: 1000 },
      replicas: () => 1,
      scheduler,
      rng: seededRng(1),
    });
    const outcomes: string[] = [];
    queue.submit((o) => outcomes.push(`first:${o.kind}`));
    const withdraw = queue.submit((o) => outcomes.push(`second:${o.kind}`));
    expect(queue.queued).toBe(1);
    withdraw();
    expect(queue.queued).toBe(0);
    scheduler.advance(60_000);
    expect(outcomes).toEqual(["first:served"]);
  });

  it("sheds waiting requests that no longer fit when capacity falls", () => {
    const scheduler = virtualScheduler(0);
    let serving = 2;
    const queue = new OriginQueue({
      settings: { workersPerReplica: 1, capacityPerReplicaRps: 10, maxQueueDelayMs: 500 },
      replicas: () => serving,
      scheduler,
      rng: seededRng(2),
    });
    const outcomes: string[] = [];
    for (let i = 0; i < 12; i++) queue.submit((o) => outcomes.push(o.kind === "shed" ? o.reason : o.kind));
    // 2 in service, room for ceil(20 x 0.5) = 10 waiting: all 12 admitted.
    expect(queue.queued).toBe(10);
    serving = 1;
    queue.capacityChanged();
    expect(queue.queueLimit).toBe(5);
    expect(outcomes).toEqual(["scaled-down", "scaled-down", "scaled-down", "scaled-down", "scaled-down"]);
  });
});
