import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hasEncodedDotSegment, isUnforwardedMethod } from "./request-guards.ts";

/** Where a path lands at an origin that percent-decodes it and then resolves dot segments. */
function resolvedAtOrigin(pathname: string): string {
  const decoded = pathname
    .split("/")
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    })
    .join("/")
    .replace(/\\/g, "/");
  return new URL(`http://origin${decoded.startsWith("/") ? "" : "/"}${decoded}`).pathname;
}

describe("request guards", () => {
  it.each(["CONNECT", "TRACE", "TRACK", "trace"])("never forwards %s", (method) => {
    expect(isUnforwardedMethod(method)).toBe(true);
  });

  it.each(["GET", "POST", "PROPFIND", "PURGE"])("forwards %s", (method) => {
    expect(isUnforwardedMethod(method)).toBe(false);
  });

  it.each([
    "/base/..%2fadmin",
    "/%2e%2e%2fadmin",
    "/a/%2E%2E%5Cadmin",
    "/.%2e%2f/x",
    "/x/%2e",
    "/x/..%5C..%5Cetc",
  ])("refuses %s, which climbs out of its base at a decoding origin", (path) => {
    expect(hasEncodedDotSegment(path)).toBe(true);
  });

  it.each(["/a/b", "/a%20b/c", "/%E2%82%AC/price", "/a/..b/c", "/a/b..%2fc", "/%zz/bad-escape"])(
    "lets %s through",
    (path) => {
      expect(hasEncodedDotSegment(path)).toBe(false);
    },
  );

  it("lets through only paths that stay under the base path, however an origin decodes them", () => {
    // What reaches a guard is a parsed URL's pathname (literal dot segments already resolved).
    const segment = fc.oneof(
      fc.constantFrom(
        "..",
        ".",
        "%2e%2e",
        "%2E%2e",
        ".%2e",
        "..%2f",
        "..%5c",
        "%2e%2e%2f..",
        "a",
        "b%2fc",
        "%25",
        "%",
      ),
      fc.webSegment(),
    );
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 8 }), (segments) => {
        const pathname = new URL(`http://edge/${segments.join("/")}`).pathname;
        if (hasEncodedDotSegment(pathname)) return;
        expect(
          resolvedAtOrigin(`/base${pathname}`).startsWith("/base/") ||
            resolvedAtOrigin(`/base${pathname}`) === "/base",
        ).toBe(true);
      }),
      { seed: 20_261_121, numRuns: 500 },
    );
  });
});
