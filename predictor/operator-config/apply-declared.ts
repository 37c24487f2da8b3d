import type { ScheduledEvent, Slo } from "../../contracts/index.ts";
import type { DeclaredConfig } from "../config/operator-file.ts";

/** The writes apply-declared needs: each writes only where nothing is stored under the name. */
export type DeclaredWrites = {
  readSlos(): Promise<{ slos: Slo[] }>;
  readEvents(): Promise<{ events: ScheduledEvent[] }>;
  restoreSlo(slo: Slo): Promise<boolean>;
  restoreEvent(event: ScheduledEvent): Promise<boolean>;
};

/** What one application put back: the pools and event ids that were missing. */
export type AppliedDeclared = { slos: string[]; events: string[] };

/**
 * Puts back every declared SLO and every declared event not yet ended that the store lacks. What
 * is stored under a declared name is left alone: an edit made through the API or the dashboard is
 * an override of the file (docs/deployment.md), kept until the store loses it.
 */
export async function applyDeclared(
  store: DeclaredWrites,
  declared: DeclaredConfig,
  now: number,
): Promise<AppliedDeclared> {
  const [{ slos }, { events }] = await Promise.all([store.readSlos(), store.readEvents()]);
  const storedPools = new Set(slos.map((slo) => slo.pool));
  const storedEvents = new Set(events.map((event) => event.id));
  const applied: AppliedDeclared = { slos: [], events: [] };
  for (const slo of declared.slos)
    if (!storedPools.has(slo.pool) && (await store.restoreSlo(slo))) applied.slos.push(slo.pool);
  for (const event of declared.events)
    if (Date.parse(event.end) > now && !storedEvents.has(event.id) && (await store.restoreEvent(event)))
      applied.events.push(event.id);
  return applied;
}

/** Where a stored SLO or event comes from: the file as declared, the file overridden through the
 * API, or the API alone. */
export type DocumentSource = "file" | "override" | "api";

/** The source of each stored document, by its name, comparing it with the declared one. */
export function documentSources<T>(
  stored: readonly T[],
  declared: readonly T[],
  nameOf: (item: T) => string,
): Record<string, DocumentSource> {
  const byName = new Map(declared.map((item) => [nameOf(item), item]));
  return Object.fromEntries(
    stored.map((item) => {
      const file = byName.get(nameOf(item));
      const source: DocumentSource =
        file === undefined ? "api" : sameDocument(file, item) ? "file" : "override";
      return [nameOf(item), source];
    }),
  );
}

/** Equal as documents: the same fields with the same values, in any order. */
function sameDocument(a: unknown, b: unknown): boolean {
  const canonical = (value: unknown): string =>
    JSON.stringify(value, (_key, inner: unknown) =>
      typeof inner === "object" && inner !== null && !Array.isArray(inner)
        ? Object.fromEntries(Object.entries(inner).sort(([x], [y]) => x.localeCompare(y)))
        : inner,
    );
  return canonical(a) === canonical(b);
}
