/**
 * Runs the bundled Worker in workerd through Miniflare, configured from wrangler.toml's
 * [env.dev] exactly as `wrangler dev --env dev` configures it (wrangler's own
 * unstable_getMiniflareWorkerOptions), but without wrangler dev's development proxy in front.
 * The stack starts it as a child process:
 *
 *   EDGE_ADMIN_TOKEN=... node --import tsx infra/stack/edge-runner.ts --port 8787 --script worker.mjs
 *
 * Why not `wrangler dev` itself: wrangler 4.116's ProxyController treats any error of its
 * ProxyWorker as fatal, and a connection dropped between its two workerd processes ("Network
 * connection lost.") ends the whole dev server with an empty `✘ [ERROR]` (workers-sdk issues
 * 15317, 15451, 15452). Under the demo's load on two cores that happened every few minutes.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { Miniflare } from "miniflare";
import * as v from "valibot";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { REPO_ROOT } from "./service-process.ts";

const { values } = parseArgs({
  options: { port: { type: "string" }, script: { type: "string" }, "inspector-port": { type: "string" } },
  strict: true,
});
const port = Number(values.port);
const inspectorPort = values["inspector-port"] === undefined ? undefined : Number(values["inspector-port"]);
const script = values.script;
const token = process.env.EDGE_ADMIN_TOKEN ?? "";
const badInspector =
  inspectorPort !== undefined &&
  (!Number.isInteger(inspectorPort) || inspectorPort < 1 || inspectorPort > 65_535);
if (
  !Number.isInteger(port) ||
  port < 1 ||
  port > 65_535 ||
  script === undefined ||
  token.length < 16 ||
  badInspector
) {
  process.stderr.write(
    "edge-runner: needs --port N, --script FILE and EDGE_ADMIN_TOKEN (16 characters or more); --inspector-port N is optional\n",
  );
  process.exit(2);
}

// What wrangler dev gives Miniflare for [env.dev], checked here: only these fields are passed on.
const devWorkerSchema = v.object({
  workerOptions: v.object({
    compatibilityDate: v.string(),
    compatibilityFlags: v.optional(v.array(v.string()), []),
    bindings: v.optional(v.record(v.string(), v.string()), {}),
    kvNamespaces: v.optional(v.record(v.string(), v.unknown()), {}),
    // Miniflare implements both locally: data points are accepted (and dropped), limits counted.
    analyticsEngineDatasets: v.optional(v.record(v.string(), v.object({ dataset: v.string() })), {}),
    ratelimits: v.optional(
      v.record(
        v.string(),
        v.object({
          namespace_id: v.string(),
          simple: v.object({ limit: v.number(), period: v.optional(v.picklist([10, 60])) }),
        }),
      ),
      {},
    ),
  }),
});
const { workerOptions } = v.parse(
  devWorkerSchema,
  unstable_getMiniflareWorkerOptions(path.join(REPO_ROOT, "wrangler.toml"), "dev"),
);
const mf = new Miniflare({
  host: "127.0.0.1",
  port,
  modules: true,
  modulesRoot: path.dirname(script),
  scriptPath: script,
  compatibilityDate: workerOptions.compatibilityDate,
  compatibilityFlags: workerOptions.compatibilityFlags,
  bindings: { ...workerOptions.bindings, ADMIN_TOKEN: token },
  kvNamespaces: Object.keys(workerOptions.kvNamespaces),
  analyticsEngineDatasets: workerOptions.analyticsEngineDatasets,
  ratelimits: workerOptions.ratelimits,
  // The V8 inspector of the Worker's isolate (chrome://inspect, heap snapshots), on loopback.
  ...(inspectorPort !== undefined ? { inspectorPort } : {}),
});
const url = await mf.ready;
process.stdout.write(
  `edge-runner: the Worker answers on ${url.origin} (workerd through Miniflare, wrangler.toml [env.dev])${inspectorPort !== undefined ? `; its V8 inspector on 127.0.0.1:${inspectorPort}` : ""}\n`,
);

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  mf.dispose().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`edge-runner: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
