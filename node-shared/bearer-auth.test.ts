import { describe, expect, it } from "vitest";
import { checkBearer } from "./bearer-auth.ts";

const TOKEN = "s3cret-admin-token-0123";

describe("checkBearer", () => {
  it.each([`Bearer ${TOKEN}`, `bearer ${TOKEN}`, `BEARER  ${TOKEN}`, `Bearer ${TOKEN} `])(
    "lets %j in: the scheme in any case, the exact token",
    (header) => {
      expect(checkBearer(header, TOKEN)).toBe("valid");
    },
  );

  it.each([`Bearer ${TOKEN.toUpperCase()}`, `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, "Bearer x"])(
    "refuses %j as the wrong token",
    (header) => {
      expect(checkBearer(header, TOKEN)).toBe("wrong");
    },
  );

  it.each([undefined, null, "", "Bearer", `Basic ${TOKEN}`, TOKEN, `Bearer ${TOKEN} extra`])(
    "finds no bearer credential in %j",
    (header) => {
      expect(checkBearer(header, TOKEN)).toBe("missing");
    },
  );
});
