import { describe, expect, it } from "vitest";
import type { DocumentName } from "./document-store.ts";
import { DocumentStore } from "./document-store.ts";

const table = (version: number) =>
  JSON.stringify({
    version,
    updatedAt: "2026-01-01T00:00:00Z",
    pools: [
      {
        name: "eu",
        location: { lat: 1, lon: 2 },
        origins: [{ id: "a", url: "http://127.0.0.1:1", weight: 1 }],
      },
    ],
  });

function store(kv: Map<string, string>, failing = new Set<string>()) {
  const logged: string[] = [];
  const reads: string[] = [];
  const read = (name: DocumentName) => {
    reads.push(name);
    if (failing.has(name)) return Promise.reject(new Error("KV is down"));
    return Promise.resolve(kv.get(name) ?? null);
  };
  return { documents: new DocumentStore(read, (m) => logged.push(m), 5_000), logged, reads };
}

describe("document store", () => {
  it("reads KV at most once per TTL", async () => {
    const kv = new Map([["table", table(1)]]);
    const { documents, reads } = store(kv);
    await documents.current(0);
    await documents.current(4_999);
    expect(reads.length).toBe(3);
    await documents.current(5_000);
    expect(reads.length).toBe(6);
  });

  it("keeps serving the last valid table when the stored one turns invalid, and reports it once", async () => {
    const kv = new Map([["table", table(1)]]);
    const { documents, logged } = store(kv);
    expect((await documents.current(0)).table?.version).toBe(1);
    kv.set("table", "{ not json");
    expect((await documents.current(10_000)).table?.version).toBe(1);
    expect((await documents.current(20_000)).table?.version).toBe(1);
    expect(logged.length).toBe(1);
    expect(documents.problems[0]?.document).toBe("table");
    kv.set("table", table(2));
    expect((await documents.current(30_000)).table?.version).toBe(2);
    expect(documents.problems).toEqual([]);
  });

  it("keeps the last valid documents through a KV outage", async () => {
    const kv = new Map([["table", table(1)]]);
    const failing = new Set<string>();
    const { documents } = store(kv, failing);
    await documents.current(0);
    failing.add("table");
    expect((await documents.current(10_000)).table?.version).toBe(1);
    expect(documents.problems[0]?.message).toContain("KV read failed: KV is down");
  });

  it("reports every issue of an invalid document with its path", async () => {
    const kv = new Map([
      ["table", table(1)],
      [
        "weights",
        JSON.stringify({ version: 1, updatedAt: "x", expiresAt: "2026-01-01T00:00:00Z", factors: { a: 11 } }),
      ],
    ]);
    const { documents } = store(kv);
    await documents.current(0);
    expect(documents.problems[0]?.issues?.map((issue) => issue.path)).toEqual(["updatedAt", "factors.a"]);
  });
});
