import { describe, expect, it } from "vitest";
import { bearerToken } from "./bearer-token.ts";

// The constant-time comparisons are tested where they run: the edge's through the real Worker
// (test/edge/admin.test.ts), the Node services' in node-shared/bearer-auth.test.ts.

describe("bearer credentials", () => {
  it.each([
    ["Bearer abc", "abc"],
    ["bearer abc", "abc"],
    ["BEARER   abc", "abc"],
    ["Bearer abc ", "abc"],
  ])("reads %j as the token %j (the scheme is case-insensitive)", (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });

  it.each([null, undefined, "", "Bearer", "Bearer ", "Basic abc", "abc", "Bearer abc def", "Bearerabc"])(
    "finds no bearer token in %j",
    (header) => {
      expect(bearerToken(header)).toBeNull();
    },
  );
});
