/** Where a pool's SLO comes from, as `GET /api/slos` says (`sources`, `file`). */
export type SloSources = { sources: Record<string, "file" | "override" | "api">; file: string | null };

/** The pool tab's SLO title: the mode, and whether the SLO is the operator file's, an edit of it
 * made here (an override, lost with Redis's data while the file's version returns), or set here
 * only. Docs: docs/deployment.md, "The SLOs". */
export function sloTitle(pool: string, mode: string, from: SloSources): string {
  const base = `SLO mode ${mode}`;
  const source = from.sources[pool];
  const file = from.file ?? "the SLOs file";
  if (source === "file") return `${base}, as declared in ${file}`;
  if (source === "override")
    return `${base}: an override of ${file}, set here; if Redis loses its data the file's version returns`;
  return from.file !== null ? `${base}, set here only (not in ${file}: lost if Redis loses its data)` : base;
}
