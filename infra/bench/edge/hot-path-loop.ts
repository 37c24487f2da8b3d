import { readFile } from "node:fs/promises";
import { Miniflare } from "miniflare";
import type { OriginTable } from "../../../contracts/origin-table.ts";
import { workerBundle } from "../../../test/edge/support/worker-bundle.ts";
import { childrenNamed, cpuNanos, newChildNamed } from "./process-cpu.ts";

/**
 * The Worker's own CPU per request without the network: inside workerd, a harness calls the
 * product's fetch handler (or a bare pass-through) in a loop with the upstream `fetch` replaced
 * by one that answers at once, and the process's CPU time over the loop is divided by its
 * iterations. Both loops build the same client request and read the same answer, so their
 * difference is the product's added work: routing, header rewriting, timers, bookkeeping.
 */

const ADMIN_TOKEN = "bench-admin-token-0123456789";

/** The harness module (plain JavaScript: it runs in workerd next to the bundled product). */
function harnessScript(table: OriginTable): string {
  return `import product from "./product.mjs";
const TABLE = ${JSON.stringify(JSON.stringify(table))};
const BODY = "hello from the origin\\n";
// What NGINX answers, headers included.
const ANSWER_HEADERS = { server: "nginx/1.22.1", date: "Sat, 21 Nov 2026 10:00:00 GMT", "content-type": "text/plain", "content-length": String(BODY.length), connection: "keep-alive" };
globalThis.fetch = () => Promise.resolve(new Response(BODY, { status: 200, headers: ANSWER_HEADERS }));
const env = {
  ORIGINS: { get: async (key) => (key === "table" ? TABLE : null), put: async () => undefined },
  ADMIN_TOKEN: ${JSON.stringify(ADMIN_TOKEN)},
  EXPOSE_ORIGIN: "false",
  TRUST_GEO_HEADER: "false",
  TEST_HOOKS: "false",
};
// A browser's GET as Cloudflare hands it over.
const CLIENT_HEADERS = {
  host: "shop.example.com",
  "user-agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
  accept: "text/html,application/xhtml+xml,*/*;q=0.8",
  "accept-language": "en-US,en;q=0.5",
  "accept-encoding": "gzip, deflate, br",
  "cf-connecting-ip": "203.0.113.9",
  "x-forwarded-proto": "https",
  cookie: "session=abc123",
};
const CF = { latitude: "30.27130", longitude: "-97.74260", country: "US", colo: "DFW" };
export default {
  async fetch(request, hostEnv) {
    // The product writes one Analytics Engine data point per request, as deployed.
    env.ANALYTICS ??= hostEnv.ANALYTICS;
    if (!env.ANALYTICS) return new Response("the harness has no ANALYTICS binding", { status: 500 });
    const url = new URL(request.url);
    const n = Number(url.searchParams.get("n") ?? "1000");
    const bare = url.pathname === "/bare";
    const pending = [];
    const ctx = { waitUntil: (promise) => { pending.push(promise); }, passThroughOnException() {} };
    for (let i = 0; i < n; i++) {
      const incoming = new Request("https://shop.example.com/products/42?ref=home", { headers: CLIENT_HEADERS, cf: CF });
      let answer;
      if (bare) {
        const target = new URL(incoming.url);
        answer = await fetch("http://10.0.0.1" + target.pathname + target.search, incoming);
      } else answer = await product.fetch(incoming, env, ctx);
      if (answer.status !== 200) return new Response("answer " + answer.status + ": " + (await answer.text()), { status: 500 });
      await answer.arrayBuffer();
      if (pending.length > 0) {
        await Promise.all(pending);
        pending.length = 0;
      }
    }
    return new Response("ok");
  },
};
`;
}

export type LoopHarness = {
  /** CPU nanoseconds per iteration of `n` requests through the product or the bare handler. */
  cpuPerRequest: (kind: "product" | "bare", n: number) => Promise<number>;
  stop: () => Promise<void>;
};

/** Starts the harness in its own workerd. */
export async function startLoopHarness(table: OriginTable): Promise<LoopHarness> {
  const product = await readFile(await workerBundle(), "utf8");
  const before = await childrenNamed("workerd");
  const mf = new Miniflare({
    modulesRoot: "/harness",
    modules: [
      { type: "ESModule", path: "/harness/harness.mjs", contents: harnessScript(table) },
      { type: "ESModule", path: "/harness/product.mjs", contents: product },
    ],
    compatibilityDate: "2026-07-30",
    // Miniflare's local Analytics Engine binding: the product's write is measured, not shipped.
    analyticsEngineDatasets: { ANALYTICS: { dataset: "headroom_edge_requests" } },
  });
  await mf.ready;
  const pid = await newChildNamed("workerd", before);
  return {
    cpuPerRequest: async (kind, n) => {
      const start = await cpuNanos(pid);
      const answer = await mf.dispatchFetch(`http://harness/${kind}?n=${n}`);
      const text = await answer.text();
      const spent = (await cpuNanos(pid)) - start;
      if (answer.status !== 200) throw new Error(`the ${kind} loop failed: ${text}`);
      return spent / n;
    },
    stop: () => mf.dispose(),
  };
}
