import type { OriginTable, Pool } from "../../../contracts/origin-table.ts";
import type { TestOrigin } from "./test-origin.ts";

/** Pool locations at real coordinates (Frankfurt, Singapore, Ashburn). */
export const FRANKFURT = { lat: 50.11, lon: 8.68 };
export const SINGAPORE = { lat: 1.35, lon: 103.82 };
export const ASHBURN = { lat: 39.04, lon: -77.49 };

/** Client locations as `x-lb-geo` values. */
export const PARIS = "48.86,2.35,FR";
export const TOKYO = "35.68,139.69,JP";
export const NEW_YORK = "40.71,-74.01,US";

export type PoolSpec = Omit<Pool, "origins"> & {
  origins: {
    origin: TestOrigin;
    id?: string;
    weight?: number;
    enabled?: boolean;
    basePath?: string;
    healthPath?: string;
  }[];
};

/** A valid origin table over test origins (each origin's id defaults to its name). */
export function originTable(
  version: number,
  pools: PoolSpec[],
  extra: Partial<Omit<OriginTable, "version" | "updatedAt" | "pools">> = {},
): OriginTable {
  return {
    version,
    updatedAt: new Date(Date.UTC(2026, 0, 1)).toISOString(),
    pools: pools.map((pool) => ({
      ...pool,
      origins: pool.origins.map((entry) => {
        const origin: Pool["origins"][number] = {
          id: entry.id ?? entry.origin.name,
          url: entry.origin.url + (entry.basePath ?? ""),
          weight: entry.weight ?? 100,
        };
        if (entry.enabled !== undefined) origin.enabled = entry.enabled;
        if (entry.healthPath !== undefined) origin.healthPath = entry.healthPath;
        return origin;
      }),
    })),
    ...extra,
  };
}

/** Counts answers by the origin that served them (`x-lb-origin`). */
export function tally(origins: (string | null)[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const origin of origins) counts.set(origin ?? "(none)", (counts.get(origin ?? "(none)") ?? 0) + 1);
  return counts;
}
