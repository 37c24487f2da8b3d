import { readFileSync } from "node:fs";
import path from "node:path";

const folder = path.join(import.meta.dirname, "templates");

/**
 * The prose of a benchmark's report: `infra/bench/templates/<name>.md` with each `{{key}}` filled
 * from `values`. Prose stays Markdown that reads as Markdown; the code supplies only the figures.
 * A placeholder without a value, or a value without a placeholder, throws (a typo would otherwise
 * print braces or drop a figure).
 */
export function fillTemplate(name: string, values: Readonly<Record<string, string | number>> = {}): string {
  const text = readFileSync(path.join(folder, `${name}.md`), "utf8").trim();
  const used = new Set<string>();
  const filled = text.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`template ${name}: no value for {{${key}}}`);
    used.add(key);
    return String(value);
  });
  const unused = Object.keys(values).filter((key) => !used.has(key));
  if (unused.length > 0) throw new Error(`template ${name}: no placeholder for ${unused.join(", ")}`);
  return filled;
}
