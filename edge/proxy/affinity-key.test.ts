import { describe, expect, it } from "vitest";
import { hashString } from "../balancing/rendezvous.ts";
import { affinityKey, readCookie } from "./affinity-key.ts";

const hex = () => "feedface";

describe("affinity keys", () => {
  it("reads a named cookie", () => {
    expect(readCookie("a=1; lb_affinity=xyz; b=2", "lb_affinity")).toBe("xyz");
    expect(readCookie("a=1", "lb_affinity")).toBeNull();
  });

  it("mints and sets a cookie for a client that has none", () => {
    const key = affinityKey(
      new Headers(),
      { by: "cookie", name: "lb_affinity", ttlSeconds: 60 },
      null,
      true,
      hex,
    );
    expect(key).toEqual({
      hash: hashString("feedface"),
      setCookie: "lb_affinity=feedface; Path=/; Max-Age=60; HttpOnly; SameSite=Lax; Secure",
    });
  });

  it("uses a header or the client IP, and no key when there is none", () => {
    expect(
      affinityKey(
        new Headers({ "x-user": "u1" }),
        { by: "header", name: "x-user", ttlSeconds: 1 },
        null,
        false,
        hex,
      )?.hash,
    ).toBe(hashString("u1"));
    expect(
      affinityKey(new Headers(), { by: "header", name: "x-user", ttlSeconds: 1 }, null, false, hex),
    ).toBeNull();
    expect(
      affinityKey(new Headers(), { by: "ip", name: "", ttlSeconds: 1 }, "203.0.113.9", false, hex)?.hash,
    ).toBe(hashString("203.0.113.9"));
  });
});
