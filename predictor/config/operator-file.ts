import { isMap, isSeq, LineCounter, parseDocument } from "yaml";
import type { ScheduledEvent, Slo, Validated, ValidationIssue } from "../../contracts/index.ts";
import { fieldsOf, itemsOf, validateScheduledEvent, validateSlo } from "../../contracts/index.ts";

/** The operator's declared intent: SLOs and scheduled events that must survive their store. */
export type DeclaredConfig = { slos: Slo[]; events: ScheduledEvent[] };

const KNOWN_FIELDS = ["slos", "events"];

/**
 * Parses the operator file (`--slos-file`, YAML or JSON): `slos`, a list of SLOs, and `events`, a
 * list of scheduled events, each exactly as `PUT /api/slos/:pool` and `PUT /api/events/:id` take
 * them. Every problem is listed with its path and the line it is on (`slos[1].mode`, "line 7:
 * ..."), so the operator finds it in the ConfigMap without counting list items.
 */
export function parseOperatorFile(text: string): Validated<DeclaredConfig> {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: true });
  const syntax = document.errors[0];
  if (syntax)
    return {
      ok: false,
      issues: [{ path: "", message: `is not valid YAML or JSON: ${syntax.message.split("\n")[0] ?? ""}` }],
    };
  const raw: unknown = document.toJS() ?? {};
  const issues: ValidationIssue[] = [];
  // The node at a path, or its nearest ancestor that exists, gives the line to show.
  const lineOf = (path: (string | number)[]): number | null => {
    for (let n = path.length; n >= 0; n--) {
      const node: unknown = n === 0 ? document.contents : document.getIn(path.slice(0, n), true);
      const range = (node as { range?: [number, number, number] } | undefined)?.range;
      if (range) return lines.linePos(range[0]).line;
    }
    return null;
  };
  const add = (path: (string | number)[], message: string) => {
    const line = lineOf(path);
    issues.push({
      path: path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join(""),
      message: line === null ? message : `line ${line}: ${message}`,
    });
  };
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    add([], "must be a map with the lists slos and events");
    return { ok: false, issues };
  }
  for (const key of Object.keys(fieldsOf(raw)))
    if (!KNOWN_FIELDS.includes(key)) add([key], `is not a known field (expected ${KNOWN_FIELDS.join(", ")})`);
  const list = <T>(
    field: "slos" | "events",
    key: "pool" | "id",
    validate: (item: unknown) => Validated<T>,
  ): T[] => {
    const value = fieldsOf(raw)[field];
    if (value === undefined || value === null) return [];
    const node = document.get(field, true);
    if (!Array.isArray(value) || !isSeq(node)) {
      add([field], "must be a list");
      return [];
    }
    const out: T[] = [];
    const first = new Map<string, number>();
    itemsOf(value).forEach((item, i) => {
      const checked = validate(item);
      if (checked.ok) out.push(checked.value);
      else
        for (const issue of checked.issues)
          add(issue.path ? [field, i, issue.path] : [field, i], issue.message);
      const name = isMap(node.items[i]) ? fieldsOf(item)[key] : undefined;
      if (typeof name !== "string") return;
      const earlier = first.get(name);
      if (earlier === undefined) first.set(name, i);
      else add([field, i, key], `"${name}" is declared already (${field}[${earlier}])`);
    });
    return out;
  };
  const slos = list("slos", "pool", (item) => validateSlo(item));
  const events = list("events", "id", (item) => validateScheduledEvent(item));
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value: { slos, events } };
}
