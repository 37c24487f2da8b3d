import { checkBearer } from "../../node-shared/bearer-auth.ts";
import { Forbidden, Unauthorized } from "../../node-shared/http-error.ts";

/** Lets a write in only with `Authorization: Bearer <admin token>` (checked in constant time by
 * node-shared/bearer-auth.ts); 403 when this predictor has no admin token at all. */
export function requireAdmin(request: Request, adminToken: string | null): void {
  if (adminToken === null)
    throw new Forbidden(
      "writes are disabled: the predictor has no admin token configured (PREDICTOR_ADMIN_TOKEN)",
    );
  const check = checkBearer(request.headers.get("authorization"), adminToken);
  if (check === "missing")
    throw new Unauthorized("missing bearer token: send Authorization: Bearer <admin token>");
  if (check === "wrong") throw new Unauthorized("invalid admin token");
}
