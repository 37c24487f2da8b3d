import type { IncomingHttpHeaders } from "node:http";
import { request as httpRequest } from "node:http";
import type { Readable } from "node:stream";
import { Miniflare } from "miniflare";
import { workerBundle } from "./worker-bundle.ts";

/** The admin token the test Worker is started with. */
export const TEST_ADMIN_TOKEN = "test-admin-token-0123456789";

export type EdgeRequest = {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array | ReadableStream<Uint8Array>;
  /** The request's clock (epoch ms), through the TEST_HOOKS header. */
  now?: number;
  /** Seed of the request's randomness, through the TEST_HOOKS header. */
  seed?: number;
  /** `x-lb-geo` (TRUST_GEO_HEADER is on in tests). */
  geo?: string;
  /** A request.cf object, as Cloudflare's edge would attach. */
  cf?: Record<string, unknown>;
  /** Sends the admin bearer token. */
  admin?: boolean;
};

type Bindings = Record<string, string>;

/** The fleet-wide bindings a test Worker gets: an ANALYTICS dataset that records every data point
 * (or one whose writes throw), and a RATE_LIMITER (Miniflare's local implementation). */
export type FleetOptions = {
  analytics?: "record" | "throw";
  rateLimit?: { limit: number; period: 10 | 60 };
};

// The ANALYTICS binding of a test Worker: a wrapped binding (a module in the Worker's isolate)
// that hands each data point to the test process through a service binding, as it was written.
const RECORDING_DATASET = `export default function (env) {
  return { writeDataPoint(point) { env.SINK.fetch("http://sink/", { method: "POST", body: JSON.stringify(point) }); } };
}`;
const THROWING_DATASET = `export default function () {
  return { writeDataPoint() { throw new Error("dataset unavailable (test)"); } };
}`;

/** The real Worker running in workerd (Miniflare) with a real KV namespace. */
export class EdgeWorker {
  private constructor(
    readonly mf: Miniflare,
    /** Everything workerd wrote to stdout and stderr (the Worker's console output included). */
    readonly logs: string[],
    /** Data points the recording ANALYTICS binding received, in the order written. */
    readonly dataPoints: unknown[],
  ) {}

  /** Starts the Worker with the test vars (every flag on) plus `bindings`, and the fleet-wide
   * bindings `fleet` asks for (none by default: the Worker then falls back to its own). */
  static async start(bindings: Bindings = {}, fleet: FleetOptions = {}): Promise<EdgeWorker> {
    const scriptPath = await workerBundle();
    const logs: string[] = [];
    const dataPoints: unknown[] = [];
    const dataset = fleet.analytics;
    const mf = new Miniflare({
      cf: false,
      handleRuntimeStdio: (stdout: Readable, stderr: Readable) => {
        for (const stream of [stdout, stderr])
          stream.on("data", (chunk: Buffer) => logs.push(chunk.toString("utf8")));
      },
      workers: [
        {
          name: "edge",
          modules: true,
          scriptPath,
          kvNamespaces: ["ORIGINS"],
          compatibilityDate: "2026-07-30",
          bindings: {
            EXPOSE_ORIGIN: "true",
            TRUST_GEO_HEADER: "true",
            TEST_HOOKS: "true",
            ADMIN_TOKEN: TEST_ADMIN_TOKEN,
            ...bindings,
          },
          ...(dataset ? { wrappedBindings: { ANALYTICS: { scriptName: "analytics-dataset" } } } : {}),
          ...(fleet.rateLimit
            ? { ratelimits: { RATE_LIMITER: { namespace_id: "1001", simple: fleet.rateLimit } } }
            : {}),
        },
        ...(dataset
          ? [
              {
                name: "analytics-dataset",
                modules: true,
                script: dataset === "record" ? RECORDING_DATASET : THROWING_DATASET,
                serviceBindings: {
                  SINK: async (request: { json(): Promise<unknown> }) => {
                    dataPoints.push(await request.json());
                    return new Response(null, { status: 204 });
                  },
                },
              },
            ]
          : []),
      ],
    });
    await mf.ready;
    return new EdgeWorker(mf, logs, dataPoints);
  }

  /** Sends one request to the Worker. */
  async fetch(request: EdgeRequest = {}): Promise<Response> {
    const headers: Record<string, string> = { ...request.headers };
    if (request.now !== undefined) headers["x-lb-test-now"] = String(Math.round(request.now));
    if (request.seed !== undefined) headers["x-lb-test-seed"] = String(request.seed);
    if (request.geo !== undefined) headers["x-lb-geo"] = request.geo;
    if (request.admin) headers.authorization = `Bearer ${TEST_ADMIN_TOKEN}`;
    const init: Record<string, unknown> = { method: request.method ?? "GET", headers };
    if (request.body !== undefined) {
      init.body = request.body;
      if (request.body instanceof ReadableStream) init.duplex = "half";
    }
    if (request.cf) init.cf = request.cf;
    const response = await this.mf.dispatchFetch(`http://edge.test${request.path ?? "/"}`, init);
    return response as unknown as Response;
  }

  /** Sends a request and reads its body as text. */
  async text(request: EdgeRequest = {}): Promise<{ status: number; headers: Headers; body: string }> {
    const response = await this.fetch(request);
    return { status: response.status, headers: response.headers, body: await response.text() };
  }

  /** Sends an admin request and parses the JSON answer. */
  async admin(
    method: string,
    path: string,
    body?: unknown,
    now?: number,
  ): Promise<{ status: number; body: unknown; headers: Headers }> {
    const request: EdgeRequest = { method, path, admin: true };
    if (body !== undefined) request.body = typeof body === "string" ? body : JSON.stringify(body);
    if (now !== undefined) request.now = now;
    const response = await this.fetch(request);
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON (metrics): keep the text.
    }
    return { status: response.status, body: parsed, headers: response.headers };
  }

  /** Sends a request over a plain HTTP connection to workerd, with headers exactly as given
   * (fetch clients refuse to send some, such as Connection). */
  async raw(
    path: string,
    headers: Record<string, string>,
  ): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
    const url = new URL(path, await this.mf.ready);
    return new Promise((resolve, reject) => {
      const request = httpRequest(url, { method: "GET", headers }, (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          body += chunk;
        });
        response.on("end", () => {
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body });
        });
      });
      request.on("error", reject);
      request.end();
    });
  }

  /** Opens a request on its own HTTP connection and resolves at the answer's headers, leaving
   * the body to stream (requests held open must not share a pooled connection). */
  async open(
    request: EdgeRequest,
  ): Promise<{ status: number; header: (name: string) => string | undefined; text: () => Promise<string> }> {
    const headers: Record<string, string> = { ...request.headers };
    if (request.now !== undefined) headers["x-lb-test-now"] = String(Math.round(request.now));
    if (request.seed !== undefined) headers["x-lb-test-seed"] = String(request.seed);
    if (request.geo !== undefined) headers["x-lb-geo"] = request.geo;
    const url = new URL(request.path ?? "/", await this.mf.ready);
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        url,
        { method: request.method ?? "GET", headers, agent: false },
        (response) => {
          response.setEncoding("utf8");
          let body = "";
          const ended = new Promise<string>((done, failed) => {
            response.on("data", (chunk: string) => {
              body += chunk;
            });
            response.on("end", () => {
              done(body);
            });
            response.on("error", failed);
          });
          resolve({
            status: response.statusCode ?? 0,
            header: (name) => {
              const value = response.headers[name.toLowerCase()];
              return Array.isArray(value) ? value.join(", ") : value;
            },
            text: () => ended,
          });
        },
      );
      outgoing.on("error", reject);
      outgoing.end();
    });
  }

  /** The KV namespace, to read or corrupt documents directly. */
  async kv(): Promise<{
    get(key: string): Promise<string | null>;
    put(key: string, value: string): Promise<void>;
    delete(key: string): Promise<void>;
  }> {
    const namespace = await this.mf.getKVNamespace("ORIGINS");
    return {
      get: (key) => namespace.get(key, "text"),
      put: (key, value) => namespace.put(key, value),
      delete: (key) => namespace.delete(key),
    };
  }

  /** Fires the cron trigger at `scheduledTime`, as Cloudflare does every minute. */
  async cron(scheduledTime: number): Promise<void> {
    const worker = await this.mf.getWorker();
    const result = await worker.scheduled({ cron: "* * * * *", scheduledTime: new Date(scheduledTime) });
    if (result.outcome !== "ok") throw new Error(`the scheduled handler ended with ${result.outcome}`);
  }

  /** Stops workerd. */
  async stop(): Promise<void> {
    await this.mf.dispose();
  }
}
