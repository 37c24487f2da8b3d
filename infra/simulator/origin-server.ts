import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { handleControl } from "./control-routes.ts";
import type { FaultState } from "./fault.ts";
import { sendError, sendJson } from "./http-io.ts";
import type { SimulatedOrigin } from "./simulated-origin.ts";

/** A port that something else already listens on. */
export class PortInUseError extends Error {
  readonly port: number;
  constructor(port: number, host: string, what: string) {
    super(
      `port ${port} on ${host} (${what}) is already in use: stop whatever listens there, or choose other ports`,
    );
    this.name = "PortInUseError";
    this.port = port;
  }
}

/** A simulated origin listening on loopback. */
export type RunningOrigin = {
  origin: SimulatedOrigin;
  url: string;
  port: number;
  /** Resolves once the origin listens (again, after a "refuse" fault clears). */
  whenListening(): Promise<void>;
  /** Stops listening, resets open connections and cancels the origin's timers. */
  stop(): Promise<void>;
};

function listen(server: Server, port: number, host: string, what: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      reject(error.code === "EADDRINUSE" ? new PortInUseError(port, host, what) : error);
    };
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      const address = server.address();
      resolve(typeof address === "object" && address !== null ? address.port : port);
    });
  });
}

/**
 * Serves one simulated origin over HTTP: `/healthz`, `/metrics`, `/__sim/*` control routes, and
 * every other path as an application request that waits its turn in the origin's queue. The
 * answer is really delayed by the simulated queueing and service time.
 */
export async function startOriginServer(options: {
  origin: SimulatedOrigin;
  host: string;
  port: number;
  controlToken?: string;
  log?: (message: string) => void;
  /** Told of every application or health request as it arrives (access logs, tests). */
  onArrival?: (path: string) => void;
}): Promise<RunningOrigin> {
  const { origin, host, controlToken } = options;
  const log =
    options.log ??
    ((message: string) => {
      process.stderr.write(`${message}\n`);
    });
  const scheduler = origin.scheduler;
  const hung = new Set<ServerResponse>();

  const serveApplication = (request: IncomingMessage, response: ServerResponse, path: string): void => {
    request.resume();
    const arrivedAt = scheduler.now();
    const fault = origin.fault;
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      if (response.destroyed || response.writableEnded) return;
      origin.metrics.observe(status, (scheduler.now() - arrivedAt) / 1000);
      sendJson(response, status, body, { "x-origin-id": origin.spec.id, ...headers });
    };
    if (fault.mode === "error") {
      answer(fault.status ?? 503, { error: "injected fault", origin: origin.spec.id });
      return;
    }
    if (fault.mode === "hang") return void hung.add(response);
    const withdraw = origin.queue.submit((outcome) => {
      if (outcome.kind === "shed") {
        answer(
          503,
          { error: `overloaded: ${outcome.reason}`, origin: origin.spec.id },
          { "retry-after": "1" },
        );
        return;
      }
      answer(
        200,
        {
          origin: origin.spec.id,
          pool: origin.spec.pool,
          path,
          queueMs: round(outcome.waitMs),
          serviceMs: round(outcome.serviceMs),
        },
        { "server-timing": `queue;dur=${round(outcome.waitMs)}, app;dur=${round(outcome.serviceMs)}` },
      );
    });
    response.once("close", () => {
      if (!response.writableEnded) withdraw();
    });
  };

  const route = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = (request.url ?? "/").split("?")[0] ?? "/";
    if (path === "/metrics" && request.method === "GET") {
      const { body, contentType } = await origin.metrics.render();
      response.writeHead(200, { "content-type": contentType, "cache-control": "no-store" }).end(body);
      return;
    }
    if (path.startsWith("/__sim/")) return handleControl(origin, path, request, response, controlToken);
    options.onArrival?.(path);
    const fault = origin.fault;
    // Requests reaching a refusing origin over a connection opened before the fault are reset.
    if (fault.mode === "refuse") return void request.socket.destroy();
    if (path === "/healthz") {
      request.resume();
      if (fault.mode === "hang") return void hung.add(response);
      if (fault.mode === "error") sendError(response, fault.status ?? 503, "injected fault");
      else sendJson(response, 200, { ok: true, origin: origin.spec.id, replicas: origin.replicas.serving });
      return;
    }
    serveApplication(request, response, path);
  };

  const server = createServer({ keepAliveTimeout: 10_000 }, (request, response) => {
    route(request, response).catch((error: unknown) => {
      log(`origin ${origin.spec.id}: ${error instanceof Error ? error.message : String(error)}`);
      if (!response.headersSent) sendError(response, 500, "internal error");
      else response.destroy();
    });
  });
  const port = await listen(server, options.port, host, `origin ${origin.spec.id}`);
  let listening: Promise<unknown> = Promise.resolve();

  const releaseHung = (): void => {
    for (const response of hung) response.socket?.destroy();
    hung.clear();
  };
  origin.onFaultChange((previous: FaultState, next: FaultState) => {
    if (previous.mode === "hang" && next.mode !== "hang") releaseHung();
    if (next.mode === "refuse" && previous.mode !== "refuse") server.close();
    if (previous.mode === "refuse" && next.mode !== "refuse") {
      listening = listen(server, port, host, `origin ${origin.spec.id}`).catch((error: unknown) => {
        log(
          `origin ${origin.spec.id}: could not listen again after the refuse fault: ${error instanceof Error ? error.message : String(error)}`,
        );
      });
    }
  });

  return {
    origin,
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    whenListening: async () => {
      await listening;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        origin.dispose();
        releaseHung();
        if (!server.listening) {
          server.closeAllConnections();
          resolve();
          return;
        }
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
