import type { OriginTable, WeightsOverlay } from "../../contracts/index.ts";
import {
  KV_KEYS,
  parseJsonText,
  validateOriginTable,
  validateWeightsOverlay,
} from "../../contracts/index.ts";
import { fetchJson, statusError } from "../http/fetch-json.ts";
import { RemoteCallError, StaleVersionError } from "../http/http-errors.ts";
import type { WeightWriter } from "./weight-writer.ts";

/** Options of the Cloudflare KV REST API writer. */
export type CloudflareKvOptions = {
  apiBase: string;
  accountId: string;
  namespaceId: string;
  token: string;
  timeoutMs?: number;
};

/**
 * Reads the table and writes the weights straight into the Worker's KV namespace through the
 * Cloudflare API (`/accounts/:account/storage/kv/namespaces/:namespace/values/:key`), for
 * deployments where the scaler should not depend on the Worker. KV has no compare-and-set, so
 * the version rule is enforced by reading the stored overlay before each write: two scalers
 * racing within that gap are kept apart by the scaler's own evaluation lock, not by KV.
 */
export function cloudflareKvWriter(options: CloudflareKvOptions): WeightWriter {
  const base = `${options.apiBase.replace(/\/+$/, "")}/accounts/${options.accountId}/storage/kv/namespaces/${options.namespaceId}/values/`;
  const headers = { authorization: `Bearer ${options.token}` };
  const timeoutMs = options.timeoutMs ?? 10_000;

  async function readKey(key: string): Promise<unknown> {
    const what = `GET Cloudflare KV ${key}`;
    const answer = await fetchJson(base + encodeURIComponent(key), { headers, timeoutMs, what });
    if (answer.status === 404) return undefined;
    if (answer.status !== 200) throw statusError(what, cloudflareError(answer));
    const parsed = parseJsonText(answer.text);
    if (!parsed.ok) throw new RemoteCallError(`${what}: the stored value is not JSON`, { retryable: false });
    return parsed.value;
  }

  async function readWeights(): Promise<WeightsOverlay | null> {
    const stored = await readKey(KV_KEYS.weights);
    if (stored === undefined || stored === null) return null;
    const overlay = validateWeightsOverlay(stored);
    return overlay.ok ? overlay.value : null;
  }

  return {
    target: `Cloudflare KV namespace ${options.namespaceId}`,
    readWeights,
    async readTable(): Promise<OriginTable> {
      const stored = await readKey(KV_KEYS.table);
      if (stored === undefined)
        throw new RemoteCallError("Cloudflare KV holds no origin table yet", {
          retryable: true,
          status: 404,
        });
      const table = validateOriginTable(stored);
      if (!table.ok)
        throw new RemoteCallError(
          `the origin table in Cloudflare KV is invalid: ${table.issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
          { retryable: true, issues: table.issues },
        );
      return table.value;
    },
    async writeWeights(overlay: WeightsOverlay): Promise<void> {
      const checked = validateWeightsOverlay(overlay);
      if (!checked.ok)
        throw new RemoteCallError(
          `refusing to write an invalid overlay: ${checked.issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
          { retryable: false, status: 400, issues: checked.issues },
        );
      const stored = await readWeights();
      if (stored && stored.version >= overlay.version)
        throw new StaleVersionError(
          `Cloudflare KV holds overlay version ${stored.version}, not older than ${overlay.version}`,
        );
      const what = `PUT Cloudflare KV ${KV_KEYS.weights} (version ${overlay.version})`;
      const answer = await fetchJson(base + KV_KEYS.weights, {
        method: "PUT",
        headers: { ...headers, "content-type": "text/plain" },
        body: JSON.stringify(overlay),
        timeoutMs,
        what,
      });
      if (answer.status < 200 || answer.status > 299) throw statusError(what, cloudflareError(answer));
    },
  };
}

/** Cloudflare answers errors as `{ success: false, errors: [{ code, message }] }`. */
function cloudflareError(answer: { status: number; body: unknown; text: string }): {
  status: number;
  body: unknown;
  text: string;
} {
  const errors = (answer.body as { errors?: { code?: number; message?: string }[] } | undefined)?.errors;
  if (!Array.isArray(errors) || errors.length === 0) return answer;
  return {
    ...answer,
    body: {
      error: errors
        .map((e) => `${e.message ?? "error"}${e.code !== undefined ? ` (code ${e.code})` : ""}`)
        .join("; "),
    },
  };
}
