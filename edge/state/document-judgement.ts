import { healthReportSchema, validateHealthReport } from "../../contracts/health-report.ts";
import { originTableSchema, validateOriginTable } from "../../contracts/origin-table.ts";
import type { ValidationIssue } from "../../contracts/validation.ts";
import { parseJsonText } from "../../contracts/validation.ts";
import { validateWeightsOverlay, weightsOverlaySchema } from "../../contracts/weights-overlay.ts";
import { compileTable } from "../routing/compiled-table.ts";
import type { DocumentName, Documents } from "./document-store.ts";

/** What to do with a document read from KV: adopt the new documents, or keep the current ones
 * (reporting why, when it is worth an operator's attention). */
export type Judgement =
  | { readonly adopt: true; readonly documents: Documents }
  | { readonly adopt: false; readonly problem: { message: string; issues?: ValidationIssue[] } | null };

const KNOWN_FIELDS: Record<DocumentName, ReadonlySet<string>> = {
  table: new Set(Object.keys(originTableSchema.entries)),
  weights: new Set(Object.keys(weightsOverlaySchema.entries)),
  health: new Set(Object.keys(healthReportSchema.entries)),
};

const keep = (message: string, issues?: ValidationIssue[]): Judgement => ({
  adopt: false,
  problem: issues ? { message, issues } : { message },
});

/** "serving from the last valid one (...)" or, in an isolate that never had one, that it has none. */
function fallbackNote(name: DocumentName, current: Documents): string {
  if (name === "table")
    return current.table
      ? `serving from the last valid one (version ${current.table.version})`
      : "no valid table is loaded yet";
  if (name === "weights")
    return current.overlay
      ? `keeping the last valid overlay (version ${current.overlay.version}) until it expires at ${current.overlay.expiresAt}`
      : "no overlay applies";
  return current.health
    ? `keeping the last valid report (checked at ${current.health.checkedAt}) until it goes stale`
    : "no health report applies";
}

/** Top-level fields of `value` that the schema of `name` does not know (a future shape). */
function unknownFields(name: DocumentName, value: unknown): string[] {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return [];
  return Object.keys(value).filter((key) => !KNOWN_FIELDS[name].has(key));
}

/** The documents with a valid `value` in place of `name`, or its validation issues. */
function validated(
  name: DocumentName,
  value: unknown,
  current: Documents,
): { ok: true; documents: Documents } | { ok: false; issues: ValidationIssue[] } {
  if (name === "table") {
    const table = validateOriginTable(value);
    return table.ok ? { ok: true, documents: { ...current, table: compileTable(table.value) } } : table;
  }
  if (name === "weights") {
    const overlay = validateWeightsOverlay(value);
    return overlay.ok ? { ok: true, documents: { ...current, overlay: overlay.value } } : overlay;
  }
  const health = validateHealthReport(value);
  return health.ok ? { ok: true, documents: { ...current, health: health.value } } : health;
}

/** A valid document older than the one in use: KV can serve a stale copy for up to 60 s after a
 * write (this isolate may have adopted its own newer write), and versions only ever increase. */
function olderThanCurrent(name: DocumentName, next: Documents, current: Documents): Judgement | null {
  if (name === "table" && next.table && current.table && next.table.version < current.table.version) {
    return keep(
      `KV holds table version ${next.table.version}, older than version ${current.table.version} in use; ignored (KV can serve a stale copy for up to 60 s after a write; to roll back, store the old table under a higher version)`,
    );
  }
  if (
    name === "weights" &&
    next.overlay &&
    current.overlay &&
    next.overlay.version < current.overlay.version
  ) {
    return keep(
      `KV holds weights version ${next.overlay.version}, older than version ${current.overlay.version} in use; ignored (a stale copy, or a rollback that needs a higher version)`,
    );
  }
  // An older health report is routine (this isolate's own check is newer than KV's cached copy).
  if (
    name === "health" &&
    next.health &&
    current.health &&
    Date.parse(next.health.checkedAt) < Date.parse(current.health.checkedAt)
  )
    return { adopt: false, problem: null };
  return null;
}

/**
 * Judges the text of one document read from KV against the documents in use. A missing, truncated,
 * invalid or unknown-shaped document never replaces a valid one: the isolate keeps serving from
 * the last valid state and says why. Only a weights overlay or health report that was never there
 * is simply absent (no overlay, no report), which is normal. `own` marks a document this isolate
 * has just written itself.
 */
export function judgeDocument(
  name: DocumentName,
  text: string | null,
  current: Documents,
  own = false,
): Judgement {
  if (text === null) {
    if (name === "table")
      return keep(`no table is stored in KV (key "table"); ${fallbackNote(name, current)}`);
    const had = name === "weights" ? current.overlay !== null : current.health !== null;
    if (!had) return { adopt: true, documents: current };
    return keep(`the ${name} document is gone from KV; ${fallbackNote(name, current)}`);
  }
  const parsed = parseJsonText(text);
  if (!parsed.ok)
    return keep(
      `the stored ${name} document is invalid JSON (truncated or corrupted); ${fallbackNote(name, current)}`,
      parsed.issues,
    );
  const next = validated(name, parsed.value, current);
  if (!next.ok) {
    const unknown = unknownFields(name, parsed.value);
    const what =
      unknown.length > 0
        ? `is invalid: it has fields this Worker does not know (${unknown.slice(0, 5).join(", ")}), so a newer version probably wrote it`
        : "is invalid";
    return keep(`the stored ${name} document ${what}; ${fallbackNote(name, current)}`, next.issues);
  }
  // A document this isolate just wrote (admin API, its own health check) is the newest there is.
  return (
    (own ? null : olderThanCurrent(name, next.documents, current)) ?? {
      adopt: true,
      documents: next.documents,
    }
  );
}
