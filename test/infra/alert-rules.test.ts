import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const root = path.resolve(import.meta.dirname, "../..");

type Rule = {
  alert?: string;
  expr?: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
};

/** The source of every part (tests left out): what the code can export. */
function sources(): string {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const file = path.join(dir, name);
      if (statSync(file).isDirectory()) walk(file);
      else if (name.endsWith(".ts") && !name.endsWith(".test.ts")) out.push(readFileSync(file, "utf8"));
    }
  };
  for (const part of ["contracts", "edge", "predictor", "scaler"]) walk(path.join(root, part));
  return out.join("\n");
}

describe("docs/alerts.yml", () => {
  const document = parse(readFileSync(path.join(root, "docs/alerts.yml"), "utf8")) as {
    groups: { name: string; rules: Rule[] }[];
  };
  const rules = document.groups.flatMap((group) => group.rules);

  it("is a Prometheus rule file: named groups of alerts, each with an expression, a severity and a summary", () => {
    expect(document.groups.map((g) => g.name)).toEqual([
      "headroom-scaler",
      "headroom-predictor",
      "headroom-edge",
    ]);
    expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
    for (const rule of rules) {
      expect(rule.alert, JSON.stringify(rule)).toMatch(/^Headroom[A-Z]\w+$/);
      expect(rule.expr?.length, rule.alert).toBeGreaterThan(5);
      expect(["page", "ticket"], rule.alert).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary?.length, rule.alert).toBeGreaterThan(10);
      if (rule.for !== undefined) expect(rule.for, rule.alert).toMatch(/^\d+[smh]$/);
    }
  });

  it("names only metrics the code exports", () => {
    const code = sources();
    const named = new Set(
      rules.flatMap((rule) => rule.expr?.match(/\b(?:lb|predictor|scaler)_[a-z_]+\b/g) ?? []),
    );
    expect(named.size).toBeGreaterThan(10);
    for (const metric of named) expect(code, metric).toContain(`"${metric}"`);
  });
});
