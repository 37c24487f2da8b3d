import type { FleetSettings, FleetView, ReplayController } from "./replay.ts";
import { HPA_DEFAULTS, ReactiveHpa } from "./reactive-hpa.ts";

/** A fixed fleet sized for the trace's median load at the target utilisation. */
export function staticController(medianLoad: number, settings: FleetSettings): ReplayController {
  const replicas = Math.max(
    1,
    Math.ceil(medianLoad / (settings.rpsPerReplica * settings.targetUtilization) - 1e-9),
  );
  return { initialReplicas: () => replicas, tick: () => undefined };
}

/** The Kubernetes HPA with its default behaviour, syncing every 15 s on CPU-style utilisation. */
export function reactiveController(settings: FleetSettings): ReplayController {
  const hpa = new ReactiveHpa(
    settings.rpsPerReplica,
    settings.targetUtilization,
    settings.minReplicas,
    settings.maxReplicas,
  );
  let nextSync = Number.NEGATIVE_INFINITY;
  return {
    initialReplicas: (load) => Math.ceil(load / (settings.rpsPerReplica * settings.targetUtilization) - 1e-9),
    tick(view: FleetView) {
      if (view.now < nextSync) return undefined;
      nextSync = view.now + HPA_DEFAULTS.syncSeconds * 1000;
      return hpa.sync({
        now: view.now,
        specReplicas: view.desired,
        ready: view.serving,
        unready: view.booting,
        load: view.load,
      });
    },
  };
}

/** The median of a list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length === 0
    ? 0
    : sorted.length % 2 === 1
      ? (sorted[mid] ?? 0)
      : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
