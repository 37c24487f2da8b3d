import type { IncomingMessage, ServerResponse } from "node:http";
import { parseJsonText, validateSimScaleRequest } from "../../contracts/index.ts";
import type { Validated } from "../../contracts/index.ts";
import { validateFault } from "./fault.ts";
import { checkBearer } from "../../node-shared/bearer-auth.ts";
import { readBoundedText } from "../../node-shared/bounded-body.ts";
import { PayloadTooLarge } from "../../node-shared/http-error.ts";
import { MAX_BODY_BYTES, sendError, sendJson } from "./http-io.ts";
import type { SimulatedOrigin } from "./simulated-origin.ts";

async function readJson(
  request: IncomingMessage,
  response: ServerResponse,
): Promise<Validated<unknown> | null> {
  try {
    const tooLarge = () => new PayloadTooLarge(`body larger than ${MAX_BODY_BYTES} bytes`);
    return parseJsonText(await readBoundedText(request, MAX_BODY_BYTES, tooLarge));
  } catch (error) {
    if (!(error instanceof PayloadTooLarge)) throw error;
    sendError(response, error.status, error.message);
    return null;
  }
}

/** Serves `/__sim/scale` and `/__sim/fault` (GET reads, POST changes); with a control token set,
 * only requests bearing it get in. */
export async function handleControl(
  origin: SimulatedOrigin,
  path: string,
  request: IncomingMessage,
  response: ServerResponse,
  controlToken: string | undefined,
): Promise<void> {
  if (controlToken !== undefined && checkBearer(request.headers.authorization, controlToken) !== "valid") {
    sendError(
      response,
      401,
      "this simulator needs Authorization: Bearer <control token> on /__sim/*",
      undefined,
      { "www-authenticate": 'Bearer realm="simulator"' },
    );
    return;
  }
  const method = request.method ?? "GET";
  if (path !== "/__sim/scale" && path !== "/__sim/fault") {
    sendError(response, 404, `no control route ${path} (there are /__sim/scale and /__sim/fault)`);
    return;
  }
  if (method === "GET") {
    sendJson(response, 200, path === "/__sim/scale" ? origin.scaleState() : origin.fault);
    return;
  }
  if (method !== "POST") {
    sendError(response, 405, `${method} is not allowed on ${path}; use GET or POST`, undefined, {
      allow: "GET, POST",
    });
    return;
  }
  const body = await readJson(request, response);
  if (body === null) return;
  if (!body.ok) {
    sendError(response, 400, "the body is not JSON", body.issues);
    return;
  }
  if (path === "/__sim/scale") {
    const scale = validateSimScaleRequest(body.value);
    const result = scale.ok ? origin.scaleTo(scale.value.replicas) : scale;
    if (result.ok) sendJson(response, 202, result.value);
    else sendError(response, 400, "invalid scale request", result.issues);
    return;
  }
  const fault = validateFault(body.value);
  if (!fault.ok) {
    sendError(response, 400, "invalid fault", fault.issues);
    return;
  }
  sendJson(response, 200, origin.setFault(fault.value));
}
