// A fake of the Worker's admin API for scaler tests, enforcing the rules of docs/architecture.md
// ("Admin API"): bearer token, whole-document writes validated (400 with issues), versions that must
// grow (409).
import type { OriginTable, WeightsOverlay } from "../../contracts/index.ts";
import { validateWeightsOverlay } from "../../contracts/index.ts";
import type { LoopbackServer, RecordedRequest } from "./loopback-server.ts";
import { startLoopbackServer } from "./loopback-server.ts";

export type AdminState = { table: OriginTable | null; weights: WeightsOverlay | null; failNext: number[] };
export type FakeWorkerAdmin = LoopbackServer & { state: AdminState };

/** Starts the fake; `failNext` queues statuses to answer the next weight writes with. */
export async function startFakeWorkerAdmin(
  token: string,
  table: OriginTable | null,
): Promise<FakeWorkerAdmin> {
  const state: AdminState = { table, weights: null, failNext: [] };
  const handler = (r: RecordedRequest) => {
    if (r.headers.authorization !== `Bearer ${token}`)
      return { status: 401, body: { error: "unauthorised" } };
    if (r.method === "GET" && r.path === "/__lb/table")
      return state.table
        ? { status: 200, body: state.table }
        : { status: 404, body: { error: "no table stored" } };
    if (r.method === "GET" && r.path === "/__lb/weights")
      return state.weights
        ? { status: 200, body: state.weights }
        : { status: 404, body: { error: "no weights overlay stored" } };
    if (r.method === "PUT" && r.path === "/__lb/weights") {
      const failure = state.failNext.shift();
      if (failure !== undefined) return { status: failure, body: { error: "injected failure" } };
      let body: unknown;
      try {
        body = JSON.parse(r.body);
      } catch {
        return { status: 400, body: { error: "invalid JSON" } };
      }
      const overlay = validateWeightsOverlay(body);
      if (!overlay.ok)
        return { status: 400, body: { error: "invalid weights overlay", issues: overlay.issues } };
      if (state.weights && overlay.value.version <= state.weights.version)
        return {
          status: 409,
          body: {
            error: `version ${overlay.value.version} is not greater than the stored ${state.weights.version}`,
          },
        };
      state.weights = overlay.value;
      return { status: 200, body: { ok: true, version: overlay.value.version } };
    }
    return { status: 404, body: { error: "not found" } };
  };
  const server = await startLoopbackServer(handler);
  return { ...server, state };
}
