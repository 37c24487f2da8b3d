import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { originBase } from "../routing/compiled-table.ts";
import { upstreamUrl } from "./upstream-url.ts";

describe("upstream URL", () => {
  it("keeps the origin's scheme, host, port and base path for any client URL", () => {
    const target = fc.oneof(
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
      fc.webPath().map((path) => `http://edge.example${path}`),
      fc.constantFrom(
        "http://edge.example//evil.example/x",
        "http://edge.example/../../etc/passwd",
        "http://edge.example/%2e%2e/%2e%2e/admin",
        "http://edge.example/a/.././../b",
        "http://edge.example/@evil.example",
        "http://edge.example/\\\\evil.example",
        "http://edge.example/:80@evil.example/",
      ),
    );
    const origin = fc.constantFrom(
      "http://127.0.0.1:8080",
      "https://api.internal:8443/v1",
      "http://10.0.0.5/app/base/",
    );
    fc.assert(
      fc.property(origin, target, (originUrl, client) => {
        const base = originBase(originUrl);
        const upstream = new URL(upstreamUrl(base, new URL(client)));
        const configured = new URL(originUrl);
        expect(upstream.origin).toBe(configured.origin);
        const basePath = configured.pathname.replace(/\/+$/, "");
        expect(upstream.pathname === basePath || upstream.pathname.startsWith(`${basePath}/`)).toBe(true);
      }),
      { seed: 20_261_121, numRuns: 500 },
    );
  });
});
