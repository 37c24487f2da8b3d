import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { originTableSchema, validateOriginTable } from "./origin-table.ts";

const root = path.resolve(import.meta.dirname, "..");

const validTable = () => ({
  version: 3,
  updatedAt: "2026-11-21T12:00:00.000Z",
  pools: [
    {
      name: "eu-west",
      location: { lat: 50.1, lon: 8.7 },
      countries: ["DE", "FR"],
      fallback: "us-east",
      origins: [{ id: "eu-1", url: "http://127.0.0.1:9001", weight: 100 }],
    },
    {
      name: "us-east",
      location: { lat: 39, lon: -77.5 },
      origins: [
        {
          id: "us-1",
          url: "https://us.example.com/app",
          weight: 50,
          enabled: false,
          healthPath: "/ready?deep=1",
        },
      ],
    },
  ],
  affinity: { by: "cookie", name: "lb_session", ttlSeconds: 3600 },
  timeoutMs: 5000,
});

describe("origin table validation", () => {
  it("accepts a table that follows the contract", () => {
    const result = validateOriginTable(validTable());
    expect(result.ok).toBe(true);
  });

  it("reports every problem with its path", () => {
    const table = validTable() as Record<string, unknown>;
    const pools = table.pools as Record<string, unknown>[];
    (pools[0] as { origins: unknown[] }).origins = [{ id: "Bad Id", url: "ftp://x", weight: 5000 }];
    (pools[1] as { name: string }).name = "eu-west";
    table.version = -1;
    const result = validateOriginTable(table);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const paths = result.issues.map((issue) => issue.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "version",
        "pools[0].origins[0].id",
        "pools[0].origins[0].url",
        "pools[0].origins[0].weight",
      ]),
    );
    for (const issue of result.issues) expect(issue.message.length).toBeGreaterThan(5);
  });

  it("lists the problems across pools in the same answer as a wrong shape", () => {
    const result = validateOriginTable({
      version: 2,
      updatedAt: "2026-11-21T12:00:00.000Z",
      pools: [
        {
          name: "eu-west",
          location: { lat: 50, lon: 8 },
          fallback: "us-west",
          minHealthy: 3,
          origins: [
            { id: "eu-1", url: "http://127.0.0.1:9001", wieght: 1 },
            { id: "eu-2", url: "http://127.0.0.1:9002", weight: 1 },
          ],
        },
        {
          name: "eu-west",
          location: { lat: 39, lon: "west" },
          origins: [{ id: "eu-1", url: "http://127.0.0.1:9003", weight: 1 }],
        },
      ],
      resilience: { ejection: { baseMs: 60_000, maxMs: 1000 } },
    });
    expect(result).toEqual({
      ok: false,
      issues: [
        { path: "pools[0].origins[0].weight", message: "is required" },
        {
          path: "pools[0].origins[0].wieght",
          message: "is not a known field (expected id, url, weight, enabled, healthPath)",
        },
        { path: "pools[1].location.lon", message: "must be a number" },
        { path: "pools[0].minHealthy", message: "must not exceed the pool's 2 origin(s)" },
        { path: "pools[1].name", message: 'duplicate pool name "eu-west" (also pools[0])' },
        { path: "pools[1].origins[0].id", message: 'duplicate origin id "eu-1" (also pools[0].origins[0])' },
        { path: "pools[0].fallback", message: 'names no pool of this table ("us-west")' },
        { path: "resilience.ejection.maxMs", message: "must be at least the base ejection time (60000 ms)" },
      ],
    });
  });

  it("refuses duplicate origin ids, unknown fallbacks and unknown keys", () => {
    const table = validTable();
    const first = table.pools[0];
    const second = table.pools[1];
    if (!first || !second) throw new Error("fixture");
    second.origins.push({
      id: "eu-1",
      url: "http://127.0.0.1:9002",
      weight: 1,
      enabled: true,
      healthPath: "/",
    });
    first.fallback = "nowhere";
    const dup = validateOriginTable(table);
    expect(dup.ok).toBe(false);
    if (!dup.ok) {
      expect(dup.issues).toContainEqual({
        path: "pools[1].origins[1].id",
        message: expect.stringContaining("duplicate origin id") as string,
      });
      expect(dup.issues).toContainEqual({
        path: "pools[0].fallback",
        message: expect.stringContaining("names no pool") as string,
      });
    }
    const unknownKey = validateOriginTable({ ...validTable(), poools: [] });
    expect(unknownKey.ok).toBe(false);
  });

  it.each([
    "javascript:alert(1)",
    "http://user:pass@example.com",
    "http://example.com/?q=1",
    "http://example.com/#x",
    "file:///etc/passwd",
    "//example.com",
  ])("refuses the origin url %s", (url) => {
    const table = validTable();
    const origin = table.pools[0]?.origins[0];
    if (!origin) throw new Error("fixture");
    origin.url = url;
    const result = validateOriginTable(table);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]?.path).toBe("pools[0].origins[0].url");
  });
});

describe("the documented example table", () => {
  it("is valid and uses every part of the contract the docs' table describes", () => {
    const example = JSON.parse(readFileSync(path.join(root, "edge/examples/table.json"), "utf8")) as unknown;
    const result = validateOriginTable(example);
    expect(result).toMatchObject({ ok: true });
    if (!result.ok) return;
    expect(result.value.pools.map((p) => p.fallback)).toEqual(["us-east", "eu-west"]);
    expect(
      result.value.pools.flatMap((p) => p.origins).some((o) => o.weight === 0 && o.enabled === false),
    ).toBe(true);
  });

  it("has every field of the schema in the field table of docs/edge.md", () => {
    const doc = readFileSync(path.join(root, "docs/edge.md"), "utf8");
    const section = doc.slice(doc.indexOf("## The origin table"), doc.indexOf("## Vars and secrets"));
    const pool = originTableSchema.entries.pools.pipe[0].item;
    const origin = pool.entries.origins.pipe[0].item;
    const fields = [
      ...Object.keys(originTableSchema.entries),
      ...Object.keys(pool.entries).map((f) => `pools[].${f}`),
      ...Object.keys(origin.entries).map((f) => `pools[].origins[].${f}`),
    ].filter((f) => f !== "pools" && f !== "pools[].origins");
    for (const field of fields) expect(section, field).toContain(`| \`${field}\` |`);
  });
});
