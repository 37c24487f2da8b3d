import { KV_KEYS } from "../../contracts/admin-api.ts";
import { validateOriginTable } from "../../contracts/origin-table.ts";
import type { Validated } from "../../contracts/validation.ts";
import { parseJsonText } from "../../contracts/validation.ts";
import { validateWeightsOverlay } from "../../contracts/weights-overlay.ts";
import { BadRequest, Conflict, HttpError, NotFound, jsonResponse } from "../http/errors.ts";
import { readBodyText } from "../http/read-body.ts";
import type { RequestScope } from "../http/request-scope.ts";

/** At most this many validation issues are returned (each names its path); a larger count is
 * stated in the message, so an answer stays small whatever the body. */
export const MAX_REPORTED_ISSUES = 100;

export type WritableDocument = "table" | "weights";

const VALIDATE: Record<WritableDocument, (input: unknown) => Validated<{ version: number }>> = {
  table: validateOriginTable,
  weights: validateWeightsOverlay,
};

/** GET /__lb/table and /__lb/weights: the stored document as it is in KV. */
export async function readDocument(name: WritableDocument, scope: RequestScope): Promise<Response> {
  const text = await scope.kv.get(KV_KEYS[name]);
  if (text === null) throw new NotFound(`no ${name} document is stored`);
  return new Response(text, {
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
  });
}

/** The version of the stored document, or of the last valid one this isolate saw when the stored
 * one cannot be read as a document; null when there is neither. */
async function storedVersion(name: WritableDocument, scope: RequestScope): Promise<number | null> {
  const text = await scope.kv.get(KV_KEYS[name]);
  if (text !== null) {
    const parsed = parseJsonText(text);
    if (
      parsed.ok &&
      typeof parsed.value === "object" &&
      parsed.value !== null &&
      "version" in parsed.value &&
      typeof parsed.value.version === "number"
    )
      return parsed.value.version;
  }
  const cached = scope.state.store.cached;
  if (name === "table") return cached.table?.version ?? null;
  return cached.overlay?.version ?? null;
}

/** PUT /__lb/table and /__lb/weights: validate, refuse a stale version, then store. A refused
 * write leaves the stored document untouched. */
export async function writeDocument(
  name: WritableDocument,
  request: Request,
  scope: RequestScope,
): Promise<Response> {
  const text = await readBodyText(request);
  const parsed = parseJsonText(text);
  if (!parsed.ok) throw new BadRequest(`the ${name} document is not valid JSON`, parsed.issues);
  const validated = VALIDATE[name](parsed.value);
  if (!validated.ok) {
    const count = validated.issues.length;
    const shown = count > MAX_REPORTED_ISSUES ? ` (the first ${MAX_REPORTED_ISSUES} of ${count} issues)` : "";
    throw new BadRequest(
      `the ${name} document is invalid${shown}`,
      validated.issues.slice(0, MAX_REPORTED_ISSUES),
    );
  }
  const version = validated.value.version;
  const stored = await storedVersion(name, scope);
  if (stored !== null && version <= stored)
    throw new Conflict(`version ${version} is not greater than the stored ${name} version ${stored}`);
  const canonical = JSON.stringify(validated.value);
  try {
    await scope.kv.put(KV_KEYS[name], canonical);
  } catch (error) {
    throw new HttpError(
      503,
      `KV refused the write: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  scope.state.store.adopt(name, canonical, scope.now);
  return jsonResponse({ ok: true, version });
}
