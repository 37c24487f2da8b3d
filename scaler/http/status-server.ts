import { createServer } from "node:http";
import type { Server } from "node:http";
import type { ScalerMetrics } from "../metrics/scaler-metrics.ts";

/** What the status server reports on `/healthz`: whether this process can do its work. */
export type ScalerHealth = () => {
  ok: boolean;
  redis: string;
  worker: "running" | "stopped";
  lastEvaluation: string | null;
};

/**
 * The scaler's own small HTTP server (off unless `--metrics-port` is given): `GET /metrics`, the
 * process's Prometheus metrics; `GET /healthz`, 200 while Redis answers and the worker runs, 503
 * otherwise (a liveness or readiness probe). Anything else is 404, another method 405.
 */
export function startStatusServer(options: {
  host: string;
  port: number;
  metrics: ScalerMetrics;
  health: ScalerHealth;
}): Promise<Server> {
  const server = createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    const send = (status: number, body: string, type: string, headers: Record<string, string> = {}) => {
      response.writeHead(status, { "content-type": type, "cache-control": "no-store", ...headers });
      response.end(request.method === "HEAD" ? undefined : body);
    };
    const json = (status: number, value: unknown, headers?: Record<string, string>) => {
      send(status, `${JSON.stringify(value)}\n`, "application/json; charset=utf-8", headers);
    };
    if (path !== "/metrics" && path !== "/healthz") {
      json(404, { error: "no such route (the scaler serves /metrics and /healthz)" });
    } else if (request.method !== "GET" && request.method !== "HEAD") {
      json(
        405,
        { error: `${request.method ?? ""} is not allowed on ${path} (it takes GET, HEAD)` },
        { allow: "GET, HEAD" },
      );
    } else if (path === "/healthz") {
      const health = options.health();
      json(health.ok ? 200 : 503, health);
    } else {
      options.metrics.exposition().then(
        ({ text, contentType }) => {
          send(200, text, contentType);
        },
        (error: unknown) => {
          json(500, { error: `metrics failed: ${error instanceof Error ? error.message : String(error)}` });
        },
      );
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve(server);
    });
  });
}
