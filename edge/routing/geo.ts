import type { CompiledPool } from "./compiled-table.ts";

/** Where a client is, as far as the edge knows: any part may be missing. */
export type ClientLocation = { lat: number | null; lon: number | null; country: string | null };

export const UNKNOWN_LOCATION: ClientLocation = { lat: null, lon: null, country: null };

function coordinate(value: unknown, limit: number): number | null {
  if (typeof value !== "string" && typeof value !== "number") return null;
  if (typeof value === "string" && value.trim() === "") return null;
  const n = Number(value);
  return Number.isFinite(n) && Math.abs(n) <= limit ? n : null;
}

function countryCode(value: unknown): string | null {
  return typeof value === "string" && /^[A-Za-z]{2}$/.test(value) ? value.toUpperCase() : null;
}

/** Reads `request.cf` (latitude and longitude are strings there). */
export function locationFromCf(
  cf: { latitude?: unknown; longitude?: unknown; country?: unknown } | undefined,
): ClientLocation {
  if (!cf) return UNKNOWN_LOCATION;
  const lat = coordinate(cf.latitude, 90);
  const lon = coordinate(cf.longitude, 180);
  const both = lat !== null && lon !== null;
  return { lat: both ? lat : null, lon: both ? lon : null, country: countryCode(cf.country) };
}

/** Parses `x-lb-geo: <lat>,<lon>[,<country>]`; null when malformed. */
export function parseGeoHeader(value: string): ClientLocation | null {
  const parts = value.split(",").map((part) => part.trim());
  if (parts.length < 2 || parts.length > 3) return null;
  const lat = coordinate(parts[0], 90);
  const lon = coordinate(parts[1], 180);
  if (lat === null || lon === null) return null;
  const country = parts[2] === undefined || parts[2] === "" ? null : countryCode(parts[2]);
  if (parts[2] !== undefined && parts[2] !== "" && country === null) return null;
  return { lat, lon, country };
}

const RAD = Math.PI / 180;

/** Great-circle central angle between two points (haversine), in radians. */
export function centralAngle(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLon = (lon2 - lon1) * RAD;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** Pools in the order a client should try them: pools that list the client's country first, then
 * by great-circle distance; table order breaks ties and is the whole order with no location. */
export function orderPools(pools: readonly CompiledPool[], location: ClientLocation): number[] {
  const { lat, lon, country } = location;
  const ranked = pools.map((pool) => ({
    index: pool.index,
    local: country !== null && pool.countries.has(country) ? 0 : 1,
    distance: lat !== null && lon !== null ? centralAngle(lat, lon, pool.lat, pool.lon) : 0,
  }));
  ranked.sort((a, b) => a.local - b.local || a.distance - b.distance || a.index - b.index);
  return ranked.map((entry) => entry.index);
}

/** The walk a request takes over pools: each pool in order, followed by its fallback chain
 * ("passed over for its fallback, then the next nearest"), every pool once. */
export function poolSequence(pools: readonly CompiledPool[], order: readonly number[]): Int32Array {
  const seen = new Uint8Array(pools.length);
  const out: number[] = [];
  for (const start of order) {
    let p = start;
    while (p >= 0 && seen[p] === 0) {
      seen[p] = 1;
      out.push(p);
      p = pools[p]?.fallback ?? -1;
    }
  }
  return Int32Array.from(out);
}

/** The cache key of a location: requests from the same place share one pool sequence. */
export function locationKey(location: ClientLocation): string {
  return `${location.country ?? ""}|${location.lat ?? ""}|${location.lon ?? ""}`;
}
