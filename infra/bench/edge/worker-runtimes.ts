import type { Readable } from "node:stream";
import { Miniflare } from "miniflare";
import type { OriginTable } from "../../../contracts/origin-table.ts";
import { workerBundle } from "../../../test/edge/support/worker-bundle.ts";
import { childrenNamed, newChildNamed } from "./process-cpu.ts";

/** A Worker served by Miniflare's own HTTP server (workerd listening on the port itself: no
 * wrangler dev proxy in front), with the pid of its workerd process for CPU accounting. */
export type RunningWorker = { url: string; workerdPid: number; stop: () => Promise<void> };

/** The bare pass-through Worker the product is compared with: one fetch to the origin with the
 * client's request (method, headers, body), its answer returned as it is. Nothing else. */
export const BARE_WORKER_SCRIPT = `export default {
  fetch(request, env) {
    const url = new URL(request.url);
    return fetch(env.ORIGIN + url.pathname + url.search, request);
  },
};
`;

const COMPATIBILITY_DATE = "2026-07-30";

async function serve(options: ConstructorParameters<typeof Miniflare>[0]): Promise<RunningWorker> {
  const before = await childrenNamed("workerd");
  // Request logging off: with it, Miniflare's entry worker rebuilds every answer.
  // workerd reports every client that hangs up mid-keep-alive (wrk does at the end of a run) on
  // stderr: drained, not shown.
  const mf = new Miniflare({
    ...options,
    host: "127.0.0.1",
    logRequests: false,
    cf: false,
    compatibilityDate: COMPATIBILITY_DATE,
    handleRuntimeStdio: (stdout: Readable, stderr: Readable) => {
      stdout.resume();
      stderr.resume();
    },
  });
  const url = await mf.ready;
  const workerdPid = await newChildNamed("workerd", before);
  return { url: url.href.replace(/\/$/, ""), workerdPid, stop: () => mf.dispose() };
}

/** Serves the bare pass-through Worker on `port`, forwarding to `origin`. */
export function startBareWorker(port: number, origin: string): Promise<RunningWorker> {
  return serve({ modules: true, script: BARE_WORKER_SCRIPT, port, bindings: { ORIGIN: origin } });
}

/** Serves the product's Worker (edge/index.ts, bundled as for wrangler) on `port` with the
 * production vars (no exposed origin, no geo header, no test hooks), and stores `table`. */
export async function startProductWorker(
  port: number,
  adminToken: string,
  table: OriginTable,
): Promise<RunningWorker> {
  const running = await serve({
    modules: true,
    scriptPath: await workerBundle(),
    port,
    kvNamespaces: ["ORIGINS"],
    // As deployed: one Analytics Engine data point per request (Miniflare's local binding).
    analyticsEngineDatasets: { ANALYTICS: { dataset: "headroom_edge_requests" } },
    bindings: {
      ADMIN_TOKEN: adminToken,
      EXPOSE_ORIGIN: "false",
      TRUST_GEO_HEADER: "false",
      TEST_HOOKS: "false",
    },
  });
  const put = await fetch(`${running.url}/__lb/table`, {
    method: "PUT",
    headers: { authorization: `Bearer ${adminToken}` },
    body: JSON.stringify(table),
  });
  if (!put.ok) {
    await running.stop();
    throw new Error(`storing the benchmark's table answered ${put.status}: ${await put.text()}`);
  }
  return running;
}
