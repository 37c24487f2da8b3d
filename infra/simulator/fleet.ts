import type { OriginTable, Rng } from "../../contracts/index.ts";
import { DEFAULT_HEALTH_PATH, validateOriginTable, ValidationError } from "../../contracts/index.ts";
import { forkRng } from "../traces/random-variates.ts";
import type { FleetSpec, OriginSpec } from "./fleet-spec.ts";
import { resolveOriginSpecs, validateFleetSpec } from "./fleet-spec.ts";
import type { RunningOrigin } from "./origin-server.ts";
import { startOriginServer } from "./origin-server.ts";
import type { Scheduler } from "./scheduler.ts";
import { SimulatedOrigin } from "./simulated-origin.ts";

/** A running fleet: its origins, the origin table that routes to them, and how to stop it. */
export type Fleet = {
  spec: FleetSpec;
  origins: RunningOrigin[];
  table: OriginTable;
  /** Stops every origin (idempotent). */
  stop(): Promise<void>;
};

/** The origin table for a fleet, given each origin's URL: one pool per fleet pool, with its
 * location, countries and fallback. Throws a ValidationError when the spec makes an invalid
 * table (duplicate ids or names, a fallback to no pool). */
export function buildOriginTable(
  spec: FleetSpec,
  urlOf: (originId: string) => string,
  now: number,
  version = 1,
): OriginTable {
  const specs = resolveOriginSpecs(spec);
  if (!specs.ok) throw new ValidationError("fleet spec", specs.issues);
  const weightOf = new Map(specs.value.map((origin) => [origin.id, origin.weight]));
  const table = {
    version,
    updatedAt: new Date(now).toISOString(),
    pools: spec.pools.map((pool) => ({
      name: pool.name,
      location: pool.location,
      ...(pool.countries ? { countries: pool.countries } : {}),
      ...(pool.fallback !== undefined ? { fallback: pool.fallback } : {}),
      origins: pool.origins.map((origin) => ({
        id: origin.id,
        url: urlOf(origin.id),
        weight: weightOf.get(origin.id) ?? 100,
        healthPath: DEFAULT_HEALTH_PATH,
      })),
    })),
  };
  const checked = validateOriginTable(table);
  if (!checked.ok) throw new ValidationError("the fleet's origin table", checked.issues);
  return checked.value;
}

/**
 * Starts every origin of a fleet on consecutive loopback ports (or free ones with basePort 0),
 * each with its own random stream. The spec and the resulting table are validated before any
 * port is opened; if one origin cannot listen, those already started are stopped again.
 */
export async function startFleet(
  input: unknown,
  deps: {
    scheduler: Scheduler;
    rng: Rng;
    controlToken?: string;
    log?: (message: string) => void;
    onArrival?: (originId: string, path: string) => void;
  },
): Promise<Fleet> {
  const checked = validateFleetSpec(input);
  if (!checked.ok) throw new ValidationError("fleet spec", checked.issues);
  const spec = checked.value;
  const resolved = resolveOriginSpecs(spec);
  if (!resolved.ok) throw new ValidationError("fleet spec", resolved.issues);
  const originSpecs: OriginSpec[] = resolved.value;
  buildOriginTable(spec, () => `http://${spec.host}`, deps.scheduler.now());

  const origins: RunningOrigin[] = [];
  const stopAll = async (): Promise<void> => {
    await Promise.all(origins.splice(0).map((running) => running.stop()));
  };
  try {
    for (const [index, originSpec] of originSpecs.entries()) {
      const origin = new SimulatedOrigin({
        spec: originSpec,
        scheduler: deps.scheduler,
        rng: forkRng(deps.rng),
      });
      const port = spec.basePort === 0 ? 0 : spec.basePort + index;
      origins.push(
        await startOriginServer({
          origin,
          host: spec.host,
          port,
          ...(deps.controlToken !== undefined ? { controlToken: deps.controlToken } : {}),
          ...(deps.log ? { log: deps.log } : {}),
          ...(deps.onArrival ? { onArrival: (path: string) => deps.onArrival?.(originSpec.id, path) } : {}),
        }),
      );
    }
  } catch (error) {
    await stopAll();
    throw error;
  }
  const urls = new Map(origins.map((running) => [running.origin.spec.id, running.url]));
  const table = buildOriginTable(spec, (id) => urls.get(id) ?? "", deps.scheduler.now());
  return { spec, origins, table, stop: stopAll };
}
