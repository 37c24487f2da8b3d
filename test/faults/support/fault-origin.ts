// One origin and its platform, as the fault tests need them: a /metrics page whose request
// counter grows at a known rate with the real clock (so every true rate is known), and a scale
// webhook that honours idempotency keys and counts every call, with a gate that can hold calls.
import { once } from "node:events";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** One call the scale webhook received. */
export type ScaleCall = {
  decisionId: string;
  desired: number;
  body: string;
  signature: string | undefined;
  applied: boolean;
};

/** A request the test holds. `release()` answers it: a /metrics page with the counters as they
 * were when the request arrived (an answer delayed on the way), a scale call by carrying it out
 * now (whether or not its caller is still there to hear the answer). */
export type HeldRequest = { path: string; arrivedAt: number; release(): void };

export type FaultOrigin = {
  url: string;
  /** Requests per second the counter grows by. */
  rps: number;
  replicas(): number;
  /** Every webhook call, in arrival order. */
  calls: ScaleCall[];
  /** Every request's path and headers (to check what credentials reached the origin). */
  seen: { path: string; headers: IncomingMessage["headers"] }[];
  /** Holds the next request to a path matching `pattern` and resolves when it arrives. */
  holdNext(pattern: RegExp): Promise<HeldRequest>;
  close(): Promise<void>;
};

/** Starts the origin on a free loopback port with `replicas` serving, each worth `rpsPerReplica`. */
export async function startFaultOrigin(options: {
  rps: number;
  replicas: number;
  rpsPerReplica: number;
  now?: () => number;
}): Promise<FaultOrigin> {
  const now = options.now ?? Date.now;
  const startedAt = now();
  let replicas = options.replicas;
  const applied = new Map<string, number>();
  const calls: ScaleCall[] = [];
  const seen: FaultOrigin["seen"] = [];
  const holds: { pattern: RegExp; arrived: (held: HeldRequest) => void }[] = [];

  const metrics = () => {
    // Whole requests served since start at exactly `rps` a second; every one took under 50 ms.
    const served = Math.floor(((now() - startedAt) / 1000) * options.rps);
    return [
      "# TYPE http_requests_total counter",
      `http_requests_total{code="200"} ${served}`,
      "# TYPE http_request_duration_seconds histogram",
      `http_request_duration_seconds_bucket{le="0.05"} ${served}`,
      `http_request_duration_seconds_bucket{le="+Inf"} ${served}`,
      `http_request_duration_seconds_count ${served}`,
      `http_request_duration_seconds_sum ${served * 0.02}`,
      "# TYPE origin_replicas gauge",
      `origin_replicas ${replicas}`,
      "# TYPE origin_capacity_rps gauge",
      `origin_capacity_rps ${replicas * options.rpsPerReplica}`,
      "",
    ].join("\n");
  };

  const answerScale = (body: string, headers: IncomingMessage["headers"]): [number, unknown] => {
    const parsed = JSON.parse(body) as { desired?: unknown; decisionId?: unknown };
    const decisionId = String(headers["idempotency-key"] ?? "");
    const desired = typeof parsed.desired === "number" ? parsed.desired : -1;
    // Like a payment API: a repeated idempotency key gets the first answer and changes nothing.
    const first = !applied.has(decisionId);
    if (first) {
      applied.set(decisionId, desired);
      replicas = desired;
    }
    const signature = headers["x-headroom-signature"];
    calls.push({
      decisionId,
      desired,
      body,
      signature: typeof signature === "string" ? signature : undefined,
      applied: first,
    });
    return [200, { replicas: applied.get(decisionId) }];
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const path = req.url ?? "/";
      seen.push({ path, headers: req.headers });
      const send = (status: number, body: unknown) => {
        if (res.destroyed) return;
        res.writeHead(status, {
          "content-type": typeof body === "string" ? "text/plain; version=0.0.4" : "application/json",
        });
        res.end(typeof body === "string" ? body : JSON.stringify(body));
      };
      const page = path === "/metrics" ? metrics() : null;
      const respond = () => {
        if (page !== null) {
          send(200, page);
        } else if (req.method === "POST" && path === "/hooks/scale") {
          const [status, body] = answerScale(Buffer.concat(chunks).toString("utf8"), req.headers);
          send(status, body);
        } else {
          send(404, { error: "not found" });
        }
      };
      const hold = holds.findIndex((h) => h.pattern.test(path));
      const held = hold >= 0 ? holds.splice(hold, 1)[0] : undefined;
      if (held) held.arrived({ path, arrivedAt: now(), release: respond });
      else respond();
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    rps: options.rps,
    replicas: () => replicas,
    calls,
    seen,
    holdNext: (pattern) =>
      new Promise((resolve) => {
        holds.push({ pattern, arrived: resolve });
      }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
