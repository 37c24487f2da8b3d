import { readFileSync } from "node:fs";
import path from "node:path";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { EDGE_VARS } from "../../edge/edge-vars.ts";
import { configurationReference, schemaFields } from "../../infra/tools/config-reference.ts";

const root = path.resolve(import.meta.dirname, "../..");

describe("docs/configuration.md", () => {
  it("is exactly what npm run docs:config generates from the settings definitions", () => {
    const onDisk = readFileSync(path.join(root, "docs/configuration.md"), "utf8");
    expect(onDisk, "docs/configuration.md is out of date: run npm run docs:config").toBe(
      configurationReference(),
    );
  });

  it("describes every var wrangler.toml sets, and nothing it does not", () => {
    const toml = readFileSync(path.join(root, "wrangler.toml"), "utf8");
    const declared = new Set<string>();
    let inVars = false;
    for (const line of toml.split("\n")) {
      if (/^\s*\[/.test(line)) inVars = /^\s*\[(env\.\w+\.)?vars\]\s*$/.test(line);
      else if (inVars) {
        const name = /^\s*([A-Z_][A-Z0-9_]*)\s*=/.exec(line)?.[1];
        if (name) declared.add(name);
      }
    }
    const vars = EDGE_VARS.filter((entry) => !entry.secret).map((entry) => entry.name);
    expect(new Set(vars)).toEqual(declared);
  });
});

describe("schemaFields", () => {
  const schema = v.strictObject({
    a: v.optional(v.number(), 3),
    b: v.strictObject({ c: v.optional(v.string()), d: v.number() }),
    e: v.optional(v.strictObject({ f: v.optional(v.number()) }), {}),
  });

  it("lists the leaves of nested objects with their defaults", () => {
    expect(schemaFields(schema, () => false)).toEqual([
      { path: "a", default: 3 },
      { path: "b.c" },
      { path: "b.d" },
      { path: "e.f" },
    ]);
  });

  it("keeps an object whole when asked to", () => {
    expect(schemaFields(schema, (p) => p === "e").map((f) => f.path)).toEqual(["a", "b.c", "b.d", "e"]);
  });
});
