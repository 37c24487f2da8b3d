import { createHash, timingSafeEqual } from "node:crypto";
import { HttpError } from "./http-error.ts";

/** Checks `Authorization: Bearer <token>` against the admin token in constant time (both sides
 * hashed first, so neither their contents nor their lengths leak through timing). */
export function requireAdmin(request: Request, adminToken: string | null): void {
  if (adminToken === null)
    throw new HttpError(
      403,
      "writes are disabled: the predictor has no admin token configured (PREDICTOR_ADMIN_TOKEN)",
    );
  const header = request.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (!match) throw new HttpError(401, "missing bearer token: send Authorization: Bearer <admin token>");
  const digest = (text: string) => createHash("sha256").update(text).digest();
  if (!timingSafeEqual(digest(match[1] ?? ""), digest(adminToken)))
    throw new HttpError(401, "invalid admin token");
}
