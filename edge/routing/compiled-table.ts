import type { OriginTable } from "../../contracts/origin-table.ts";
import {
  DEFAULT_HEALTH_PATH,
  DEFAULT_MIN_HEALTHY,
  DEFAULT_TIMEOUT_MS,
} from "../../contracts/origin-table.ts";
import { hashString } from "../balancing/rendezvous.ts";
import type { ResilienceConfig } from "../resilience/settings.ts";
import { resolveResilience } from "../resilience/settings.ts";

export type CompiledOrigin = {
  readonly index: number;
  readonly id: string;
  readonly pool: number;
  /** origin.url without a trailing slash: the upstream is base + path + query. */
  readonly base: string;
  readonly healthUrl: string;
  readonly weight: number;
  readonly enabled: boolean;
  /** hashString(id): the origin's seed in rendezvous hashing. */
  readonly seed: number;
};

export type CompiledPool = {
  readonly index: number;
  readonly name: string;
  readonly lat: number;
  readonly lon: number;
  readonly countries: ReadonlySet<string>;
  /** Index of the fallback pool, or -1. */
  readonly fallback: number;
  readonly minHealthy: number;
  readonly origins: readonly number[];
};

export type AffinityConfig = { by: "cookie" | "header" | "ip"; name: string; ttlSeconds: number };

/** A validated origin table turned, once per version, into the indexed form every request uses. */
export type CompiledTable = {
  readonly source: OriginTable;
  readonly version: number;
  readonly origins: readonly CompiledOrigin[];
  readonly pools: readonly CompiledPool[];
  readonly originById: ReadonlyMap<string, number>;
  readonly timeoutMs: number;
  readonly affinity: AffinityConfig | null;
  readonly config: ResilienceConfig;
};

/** Default affinity cookie and header names, and cookie lifetime, when the table names none. */
export const AFFINITY_DEFAULTS = {
  cookie: "lb_affinity",
  header: "x-lb-affinity",
  ttlSeconds: 86_400,
} as const;

/** The base URL of an origin: its url with no trailing slash (the root path becomes ""). */
export function originBase(url: string): string {
  const parsed = new URL(url);
  const path = parsed.pathname.replace(/\/+$/, "");
  return `${parsed.protocol}//${parsed.host}${path}`;
}

/** Header names compare case-insensitively (stored lower-case); cookie names do not. */
function affinityName(by: AffinityConfig["by"], name: string | undefined): string {
  if (by === "header") return (name ?? AFFINITY_DEFAULTS.header).toLowerCase();
  return name ?? AFFINITY_DEFAULTS.cookie;
}

/** Compiles a table that already passed validateOriginTable. */
export function compileTable(table: OriginTable): CompiledTable {
  const poolIndex = new Map(table.pools.map((pool, index) => [pool.name, index]));
  const origins: CompiledOrigin[] = [];
  const pools: CompiledPool[] = table.pools.map((pool, p) => {
    const members: number[] = [];
    for (const origin of pool.origins) {
      const index = origins.length;
      const base = originBase(origin.url);
      members.push(index);
      origins.push({
        index,
        id: origin.id,
        pool: p,
        base,
        healthUrl: base + (origin.healthPath ?? DEFAULT_HEALTH_PATH),
        weight: origin.weight,
        enabled: origin.enabled ?? true,
        seed: hashString(origin.id),
      });
    }
    return {
      index: p,
      name: pool.name,
      lat: pool.location.lat,
      lon: pool.location.lon,
      countries: new Set(pool.countries ?? []),
      fallback: pool.fallback === undefined ? -1 : (poolIndex.get(pool.fallback) ?? -1),
      minHealthy: pool.minHealthy ?? DEFAULT_MIN_HEALTHY,
      origins: members,
    };
  });
  const affinity = table.affinity;
  return {
    source: table,
    version: table.version,
    origins,
    pools,
    originById: new Map(origins.map((origin) => [origin.id, origin.index])),
    timeoutMs: table.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    affinity: affinity
      ? {
          by: affinity.by,
          name: affinityName(affinity.by, affinity.name),
          ttlSeconds: affinity.ttlSeconds ?? AFFINITY_DEFAULTS.ttlSeconds,
        }
      : null,
    config: resolveResilience(table.resilience),
  };
}
