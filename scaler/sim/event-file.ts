import { parse as parseYaml } from "yaml";
import type { ScheduledEvent, Validated, ValidationIssue } from "../../contracts/index.ts";
import { fieldsOf, validateScheduledEvent } from "../../contracts/index.ts";
import { REPLAY_POOL } from "./predictive-controller.ts";

/**
 * Reads the scheduled events a replay is told of: a JSON (or YAML) list of `{ id, start, end,
 * expectedRps, note? }` in the trace's time, as they would be set on the dashboard (a replay has
 * one pool, so `pool` is left out). Every problem is listed with its path (`[2].end`); a syntax
 * error names its line and column.
 */
export function parseEventFile(text: string): Validated<ScheduledEvent[]> {
  let json: unknown;
  try {
    json = parseYaml(text, { prettyErrors: true }) as unknown;
  } catch (error) {
    return {
      ok: false,
      issues: [
        {
          path: "",
          message: `is not valid JSON or YAML: ${error instanceof Error ? error.message : String(error)}`,
        },
      ],
    };
  }
  if (!Array.isArray(json))
    return {
      ok: false,
      issues: [
        { path: "", message: 'must be a list of events ([{ "id", "start", "end", "expectedRps" }, ...])' },
      ],
    };
  const issues: ValidationIssue[] = [];
  const events: ScheduledEvent[] = [];
  const seen = new Map<string, number>();
  (json as unknown[]).forEach((item, i) => {
    const fields = fieldsOf(item);
    if ("pool" in fields)
      issues.push({ path: `[${i}].pool`, message: "leave it out: a replay has one pool" });
    const checked = validateScheduledEvent(
      fields === item && !("pool" in fields) ? { ...fields, pool: REPLAY_POOL } : item,
    );
    if (!checked.ok)
      issues.push(
        ...checked.issues
          .filter((issue) => issue.path !== "pool")
          .map((issue) => ({ path: `[${i}]${issue.path ? `.${issue.path}` : ""}`, message: issue.message })),
      );
    else events.push(checked.value);
    const id = fields.id;
    if (typeof id !== "string") return;
    const first = seen.get(id);
    if (first === undefined) seen.set(id, i);
    else issues.push({ path: `[${i}].id`, message: `"${id}" is already the id of [${first}]` });
  });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value: events };
}
