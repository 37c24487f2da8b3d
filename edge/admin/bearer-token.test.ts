import { describe, expect, it } from "vitest";
import { bearerToken } from "./bearer-token.ts";

// The digest comparison itself (crypto.subtle.timingSafeEqual) exists only in workerd: the
// token's acceptance is tested through the real Worker (test/edge/admin.test.ts).

describe("bearer credentials", () => {
  it.each([
    ["Bearer abc", "abc"],
    ["bearer abc", "abc"],
    ["BEARER   abc", "abc"],
    ["Bearer abc ", "abc"],
  ])("reads %j as the token %j (the scheme is case-insensitive)", (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });

  it.each([null, "", "Bearer", "Bearer ", "Basic abc", "abc", "Bearer abc def", "Bearerabc"])(
    "finds no bearer token in %j",
    (header) => {
      expect(bearerToken(header)).toBeNull();
    },
  );
});
