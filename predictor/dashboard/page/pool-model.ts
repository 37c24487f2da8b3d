import type { Slo } from "../../../contracts/index.ts";
import type { EdgeView } from "./edge-view.ts";

/** A pool as the page lists it: its origins, its SLO, and whether the edge knows it. A group
 * with `pool: null` holds the origins the predictor records that no pool of the edge lists. */
export type PoolEntry = {
  key: string;
  pool: string | null;
  label: string;
  origins: string[];
  slo: Slo | null;
  inEdge: boolean;
};

/**
 * The pools to show, in the edge's order, then pools that only have an SLO, then the origins
 * outside every pool. Origins come from the edge table (with its pools) and from the series the
 * predictor records.
 */
export function buildPools(
  edge: EdgeView | null,
  slos: readonly Slo[],
  recordedOrigins: readonly string[],
): PoolEntry[] {
  const sloOf = new Map(slos.map((slo) => [slo.pool, slo]));
  const pools: PoolEntry[] = [];
  const placed = new Set<string>();
  for (const pool of edge?.pools ?? []) {
    const origins = (edge?.origins ?? []).filter((o) => o.pool === pool.name).map((o) => o.id);
    origins.forEach((id) => placed.add(id));
    pools.push({
      key: `pool:${pool.name}`,
      pool: pool.name,
      label: pool.name,
      origins,
      slo: sloOf.get(pool.name) ?? null,
      inEdge: true,
    });
  }
  for (const slo of slos) {
    if (pools.some((p) => p.pool === slo.pool)) continue;
    pools.push({ key: `pool:${slo.pool}`, pool: slo.pool, label: slo.pool, origins: [], slo, inEdge: false });
  }
  const rest = [...new Set(recordedOrigins)].filter((id) => !placed.has(id)).sort();
  if (rest.length > 0)
    pools.push({
      key: "unassigned",
      pool: null,
      label: edge ? "Outside the edge table" : "All origins",
      origins: rest,
      slo: null,
      inEdge: false,
    });
  return pools;
}
