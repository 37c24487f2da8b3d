import type { ElasticityReport } from "./elasticity-metrics.ts";
import { ElasticityMeter } from "./elasticity-metrics.ts";
import { SimulatedFleet } from "./simulated-fleet.ts";
import type { LoadSeries } from "./trace-series.ts";
import { loadAt } from "./trace-series.ts";

/** The simulated fleet and the SLO a replay holds every policy to. */
export type FleetSettings = {
  rpsPerReplica: number;
  bootSeconds: number;
  targetUtilization: number;
  minReplicas: number;
  maxReplicas: number;
  /** A moment violates the SLO while load exceeds this share of the serving capacity. */
  violationUtilization: number;
  /** Resolution of the replay. */
  tickSeconds: number;
};

/** What a controller sees at each tick. */
export type FleetView = {
  now: number;
  load: number;
  served: number;
  serving: number;
  booting: number;
  desired: number;
};

/** A scaling policy under replay: its starting fleet and, at each tick, a new replica count or
 * undefined to leave it. */
export interface ReplayController {
  initialReplicas(firstLoad: number): number;
  tick(view: FleetView): Promise<number | undefined> | number | undefined;
}

/** A replay's metrics, plus the minutes of outright overload (load above all serving capacity). */
export type ReplayResult = { report: ElasticityReport; overloadMinutes: number };

/**
 * Replays the trace from bucket `fromIndex` to its end, tick by tick: booted replicas start
 * serving, the controller may resize the fleet (new replicas boot for `bootSeconds`), and the
 * meter records the load against the replicas serving until the next tick.
 */
export async function replayTrace(
  series: LoadSeries,
  fromIndex: number,
  settings: FleetSettings,
  controller: ReplayController,
): Promise<ReplayResult> {
  const stepMs = series.stepSeconds * 1000;
  const tickMs = settings.tickSeconds * 1000;
  const start = series.start + fromIndex * stepMs;
  const end = series.start + series.values.length * stepMs;
  const meter = new ElasticityMeter(
    settings.rpsPerReplica,
    settings.targetUtilization,
    settings.violationUtilization,
  );
  const initial = Math.min(
    settings.maxReplicas,
    Math.max(settings.minReplicas, controller.initialReplicas(loadAt(series, start))),
  );
  const fleet = new SimulatedFleet(initial, settings.bootSeconds * 1000);
  for (let now = start; now < end; now += tickMs) {
    fleet.advance(now);
    const load = loadAt(series, now);
    const view: FleetView = {
      now,
      load,
      served: Math.min(load, fleet.serving * settings.rpsPerReplica),
      serving: fleet.serving,
      booting: fleet.bootingCount,
      desired: fleet.desired,
    };
    const desired = await controller.tick(view);
    if (desired !== undefined)
      fleet.setDesired(Math.min(settings.maxReplicas, Math.max(settings.minReplicas, desired)), now);
    meter.add(Math.min(tickMs, end - now) / 1000, load, fleet.serving, fleet.provisioned);
  }
  return { report: meter.report(fleet.actions), overloadMinutes: meter.overloadMinutes };
}
