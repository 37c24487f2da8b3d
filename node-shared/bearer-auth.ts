import { createHash, timingSafeEqual } from "node:crypto";
import { bearerToken } from "../contracts/bearer-token.ts";

/** What an Authorization header proves against an expected token: no bearer credential at all,
 * a wrong one, or the right one. */
export type BearerCheck = "missing" | "wrong" | "valid";

const digest = (text: string): Buffer => createHash("sha256").update(text).digest();

/**
 * Checks `Authorization: Bearer <token>` by the project's one rule (contracts/bearer-token.ts:
 * scheme in any case, token exact). The comparison is constant-time over SHA-256 digests of both
 * sides, so neither the token's content nor its length leaks through timing.
 */
export function checkBearer(header: string | null | undefined, expected: string): BearerCheck {
  const presented = bearerToken(header);
  if (presented === null) return "missing";
  return timingSafeEqual(digest(presented), digest(expected)) ? "valid" : "wrong";
}
