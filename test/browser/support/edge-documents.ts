import { SEED } from "./seed-dashboard.ts";

/** A `/__lb/status` and `/__lb/table` for the seeded pools, as the Worker would answer them;
 * `extra` adds origins (by pool) that the predictor has no data for, such as hostile ids. */
export function edgeDocuments(now: number, extra: Record<string, string[]> = {}) {
  const id = (origin: string) => origin;
  const locations: Record<string, { lat: number; lon: number }> = {
    "eu-west": { lat: 53.35, lon: -6.26 },
    "us-east": { lat: 39.04, lon: -77.49 },
  };
  const pools = Object.entries(SEED.pools).map(([pool, origins]): [string, string[]] => [
    pool,
    [...origins, ...(extra[pool] ?? [])],
  ]);
  const status = {
    now: new Date(now).toISOString(),
    problems: [],
    events: [
      {
        at: new Date(now - 90_000).toISOString(),
        kind: "restored",
        origin: id("eu-2"),
        detail: "ejection time over; back in rotation through slow start",
      },
    ],
    table: { version: 7, updatedAt: new Date(now - 3_600_000).toISOString(), origins: 3, pools: 2 },
    weights: {
      version: 12,
      expiresAt: new Date(now + 240_000).toISOString(),
      active: true,
      reason: "eu-west forecast crosses 70 % of capacity",
    },
    health: { checkedAt: new Date(now - 5_000).toISOString(), fresh: true },
    panic: false,
    healthyShare: 1,
    pools: pools.map(([name]) => ({
      name,
      latencyMs: 48.2,
      fallback: name === "eu-west" ? "us-east" : null,
      minHealthy: 1,
      serving: pools.find(([n]) => n === name)?.[1].length ?? 0,
      eligible: 2,
      passedOver: false,
      spill: 0,
    })),
    origins: pools.flatMap(([pool, origins]) =>
      origins.map((origin, i) => ({
        id: id(origin),
        pool,
        enabled: true,
        weight: 100,
        factor: i === 0 ? 1.25 : 1,
        effectiveWeight: i === 0 ? 125 : 100,
        slowStart: null,
        healthy: true,
        serving: true,
        ejected: false,
        ejectedUntil: null,
        ejections: origin === "eu-2" ? 1 : 0,
        consecutiveFailures: 0,
        latencyEwmaMs: 41.7 + i * 6,
        inflight: 3 + i,
      })),
    ),
  };
  const table = {
    version: 7,
    updatedAt: new Date(now - 3_600_000).toISOString(),
    pools: pools.map(([name, origins]) => ({
      name,
      location: locations[name],
      origins: origins.map((origin, i) => ({
        id: id(origin),
        url: `http://127.0.0.1:${9101 + i}`,
        weight: 100,
      })),
    })),
  };
  return { status, table };
}
