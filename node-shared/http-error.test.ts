import { describe, expect, it } from "vitest";
import { BadRequest, HttpError, MethodNotAllowed, NotFound, PayloadTooLarge } from "./http-error.ts";

describe("HttpError", () => {
  it("answers as JSON { error, issues } with its status", async () => {
    const response = new BadRequest("invalid SLO", [
      { path: "target", message: "must be at most 1" },
    ]).toResponse();
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({
      error: "invalid SLO",
      issues: [{ path: "target", message: "must be at most 1" }],
    });
  });

  it("leaves issues out when there are none, and names the methods a 405 path takes", async () => {
    const response = new MethodNotAllowed("PUT is not allowed on /api/slos", ["GET", "HEAD"]).toResponse();
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, HEAD");
    expect(await response.json()).toEqual({ error: "PUT is not allowed on /api/slos" });
  });

  it("is still an HttpError with its class's name, for the router's one catch", () => {
    for (const error of [new NotFound(), new PayloadTooLarge("too big")]) {
      expect(error).toBeInstanceOf(HttpError);
      expect(error.name).toBe(error.constructor.name);
    }
    expect(new NotFound().status).toBe(404);
  });
});
