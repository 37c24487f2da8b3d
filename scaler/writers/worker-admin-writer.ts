import type { OriginTable, WeightsOverlay } from "../../contracts/index.ts";
import { ADMIN_PREFIX, validateOriginTable, validateWeightsOverlay } from "../../contracts/index.ts";
import { fetchJson, statusError } from "../http/fetch-json.ts";
import { RemoteCallError, StaleVersionError } from "../http/http-errors.ts";
import type { WeightWriter } from "./weight-writer.ts";

/** Options of the Worker admin API writer. */
export type WorkerAdminOptions = { url: string; token: string; timeoutMs?: number };

/** Reads the table and writes the weights through the Worker's admin API (`/__lb/*`), locally
 * under wrangler dev or in production. */
export function workerAdminWriter(options: WorkerAdminOptions): WeightWriter {
  const base = options.url.replace(/\/+$/, "");
  const headers = { authorization: `Bearer ${options.token}`, accept: "application/json" };
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    target: `Worker admin API at ${base}`,
    async readTable(): Promise<OriginTable> {
      const what = `GET ${base}${ADMIN_PREFIX}table`;
      const answer = await fetchJson(`${base}${ADMIN_PREFIX}table`, { headers, timeoutMs, what });
      if (answer.status === 404 && isNoDocument(answer.body))
        throw new RemoteCallError(`${what}: the Worker holds no origin table yet`, {
          retryable: true,
          status: 404,
        });
      if (answer.status !== 200) throw statusError(what, answer);
      const table = validateOriginTable(answer.body);
      if (!table.ok)
        throw new RemoteCallError(
          `${what}: the stored table is invalid: ${table.issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
          { retryable: true, issues: table.issues },
        );
      return table.value;
    },
    async readWeights(): Promise<WeightsOverlay | null> {
      const what = `GET ${base}${ADMIN_PREFIX}weights`;
      const answer = await fetchJson(`${base}${ADMIN_PREFIX}weights`, { headers, timeoutMs, what });
      if (
        (answer.status === 404 && isNoDocument(answer.body)) ||
        (answer.status === 200 && answer.body === null)
      )
        return null;
      if (answer.status !== 200) throw statusError(what, answer);
      const overlay = validateWeightsOverlay(answer.body);
      // An unreadable stored overlay is replaced by the next write (its version is unknown, so
      // the writer's version, based on the clock, must exceed it).
      return overlay.ok ? overlay.value : null;
    },
    async writeWeights(overlay: WeightsOverlay): Promise<void> {
      const what = `PUT ${base}${ADMIN_PREFIX}weights (version ${overlay.version})`;
      const answer = await fetchJson(`${base}${ADMIN_PREFIX}weights`, {
        method: "PUT",
        headers: { ...headers, "content-type": "application/json" },
        body: JSON.stringify(overlay),
        timeoutMs,
        what,
      });
      if (answer.status === 409) throw new StaleVersionError(statusError(what, answer).message);
      if (answer.status < 200 || answer.status > 299) throw statusError(what, answer);
    },
  };
}

/** A 404 from the admin API itself means "nothing stored"; one with no JSON error body is a
 * wrong URL or a disabled admin API, which must not pass for an empty store. */
function isNoDocument(body: unknown): boolean {
  return typeof body === "object" && body !== null && "error" in body;
}
