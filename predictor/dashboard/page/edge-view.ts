/** The Worker's status as the page shows it. It is another service's document (and may be a
 * newer version), so every field is read defensively: a missing or odd field shows as unknown,
 * never breaks the page. */
export type EdgeOrigin = {
  id: string;
  pool: string;
  enabled: boolean;
  weight: number | null;
  factor: number | null;
  effectiveWeight: number | null;
  healthy: boolean | null;
  serving: boolean | null;
  ejected: boolean;
  ejectedUntil: string | null;
  ejections: number | null;
  latencyEwmaMs: number | null;
  inflight: number | null;
  slowStart: number | null;
  url: string | null;
};
export type EdgePool = {
  name: string;
  fallback: string | null;
  serving: number | null;
  passedOver: boolean;
  spill: number;
  latencyMs: number | null;
  location: string | null;
};
export type EdgeView = {
  now: string | null;
  tableVersion: number | null;
  panic: boolean;
  healthyShare: number | null;
  overlay: {
    version: number | null;
    active: boolean;
    expiresAt: string | null;
    reason: string | null;
  } | null;
  pools: EdgePool[];
  origins: EdgeOrigin[];
  problems: { document: string; message: string; since: string | null }[];
  events: { at: string; kind: string; origin: string | null; detail: string }[];
};

type Json = Record<string, unknown>;
const record = (v: unknown): Json =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : {};
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
const numb = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const bool = (v: unknown): boolean | null => (typeof v === "boolean" ? v : null);

/** Reads `/__lb/status` (and, when given, `/__lb/table` for URLs and locations). */
export function readEdgeView(status: unknown, table: unknown): EdgeView {
  const s = record(status);
  const urls = new Map<string, string>();
  const locations = new Map<string, string>();
  for (const pool of list(record(table).pools)) {
    const p = record(pool);
    const location = record(p.location);
    const lat = numb(location.lat);
    const lon = numb(location.lon);
    const name = str(p.name);
    if (name !== null && lat !== null && lon !== null)
      locations.set(name, `${lat.toFixed(2)}, ${lon.toFixed(2)}`);
    for (const origin of list(p.origins)) {
      const o = record(origin);
      const id = str(o.id);
      const url = str(o.url);
      if (id !== null && url !== null) urls.set(id, url);
    }
  }
  const weights = s.weights === null || s.weights === undefined ? null : record(s.weights);
  return {
    now: str(s.now),
    tableVersion: numb(record(s.table).version),
    panic: bool(s.panic) ?? false,
    healthyShare: numb(s.healthyShare),
    overlay: weights
      ? {
          version: numb(weights.version),
          active: bool(weights.active) ?? false,
          expiresAt: str(weights.expiresAt),
          reason: str(weights.reason),
        }
      : null,
    pools: list(s.pools).map((pool) => {
      const p = record(pool);
      const name = str(p.name) ?? "?";
      return {
        name,
        fallback: str(p.fallback),
        serving: numb(p.serving),
        passedOver: bool(p.passedOver) ?? false,
        spill: numb(p.spill) ?? 0,
        latencyMs: numb(p.latencyMs),
        location: locations.get(name) ?? null,
      };
    }),
    origins: list(s.origins).map((origin) => {
      const o = record(origin);
      const id = str(o.id) ?? "?";
      return {
        id,
        pool: str(o.pool) ?? "",
        enabled: bool(o.enabled) ?? true,
        weight: numb(o.weight),
        factor: numb(o.factor),
        effectiveWeight: numb(o.effectiveWeight),
        healthy: bool(o.healthy),
        serving: bool(o.serving),
        ejected: bool(o.ejected) ?? false,
        ejectedUntil: str(o.ejectedUntil),
        ejections: numb(o.ejections),
        latencyEwmaMs: numb(o.latencyEwmaMs),
        inflight: numb(o.inflight),
        slowStart: numb(o.slowStart),
        url: urls.get(id) ?? null,
      };
    }),
    problems: list(s.problems).map((problem) => {
      const p = record(problem);
      return {
        document: str(p.document) ?? "?",
        message: str(p.message) ?? JSON.stringify(problem),
        since: str(p.since),
      };
    }),
    events: list(s.events).map((event) => {
      const e = record(event);
      return {
        at: str(e.at) ?? "",
        kind: str(e.kind) ?? "?",
        origin: str(e.origin),
        detail: str(e.detail) ?? "",
      };
    }),
  };
}
