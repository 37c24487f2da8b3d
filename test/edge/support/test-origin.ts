import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { WebSocketServer } from "ws";

/** How a test origin answers; tests change it mid-run. */
export type OriginBehaviour = {
  /** Status of ordinary requests. */
  status: number;
  /** Delay before answering ordinary requests (the origin's own latency). */
  delayMs: number;
  /** Status of GET /healthz; `healthSequence`, when not empty, is consumed first, one per probe. */
  healthStatus: number;
  healthSequence: number[];
  /** Share of ordinary requests answered 503 at once, spread evenly (never two in a row below 50 %). */
  failShare: number;
};

/** What the origin saw of one request. */
export type SeenRequest = {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  bodyBytes: number;
  body: string;
};

type Hold = { gate: Promise<void>; markStarted: () => void };

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** A real HTTP origin on loopback, with knobs: latency, status, refused connections (listener
 * closed), held streaming answers and WebSocket echo. */
export class TestOrigin {
  readonly behaviour: OriginBehaviour;
  hits = 0;
  healthHits = 0;
  readonly seen: SeenRequest[] = [];
  /** Headers of the health probes received, newest last. */
  readonly healthSeen: IncomingHttpHeaders[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly server = createServer((request, response) => {
    this.handle(request, response);
  });
  private readonly wss = new WebSocketServer({ noServer: true });
  private holds: Hold[] = [];
  private listening = false;
  port = 0;

  private constructor(
    readonly name: string,
    behaviour: Partial<OriginBehaviour>,
  ) {
    this.behaviour = {
      status: 200,
      delayMs: 0,
      healthStatus: 200,
      healthSequence: [],
      failShare: 0,
      ...behaviour,
    };
    this.server.keepAliveTimeout = 1000;
    this.server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    this.server.on("upgrade", (request: IncomingMessage, socket: Socket, head: Buffer) => {
      this.wss.handleUpgrade(request, socket, head, (ws) => {
        ws.on("message", (data: Buffer) => {
          ws.send(`${this.name}:${data.toString()}`);
        });
      });
    });
  }

  /** Starts an origin on a free loopback port. */
  static async start(name: string, behaviour: Partial<OriginBehaviour> = {}): Promise<TestOrigin> {
    const origin = new TestOrigin(name, behaviour);
    await origin.listen(0);
    return origin;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Holds the next ordinary request: its answer sends a first chunk, then waits for release().
   * `started` resolves once that first chunk is written. */
  holdNext(): { release: () => void; started: Promise<void> } {
    const gate = deferred();
    const started = deferred();
    this.holds.push({ gate: gate.promise, markStarted: started.resolve });
    return { release: gate.resolve, started: started.promise };
  }

  /** Stops accepting connections: new ones are refused, open ones are cut. */
  async refuse(): Promise<void> {
    if (!this.listening) return;
    this.listening = false;
    const closed = new Promise<void>((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  /** Accepts connections again, on the same port. */
  async restore(): Promise<void> {
    if (this.listening) return;
    await this.listen(this.port);
  }

  async stop(): Promise<void> {
    this.wss.close();
    await this.refuse();
  }

  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, "127.0.0.1", () => {
        this.server.off("error", reject);
        this.port = (this.server.address() as AddressInfo).port;
        this.listening = true;
        resolve();
      });
    });
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const path = (request.url ?? "/").split("?")[0] ?? "/";
      if (path.endsWith("/healthz")) {
        this.healthHits++;
        this.healthSeen.push(request.headers);
        if (this.healthSeen.length > 100) this.healthSeen.shift();
        const status = this.behaviour.healthSequence.shift() ?? this.behaviour.healthStatus;
        response.writeHead(status, { "content-type": "text/plain" }).end(status < 400 ? "ok" : "unhealthy");
        return;
      }
      this.hits++;
      const body = Buffer.concat(chunks).toString("utf8");
      this.seen.push({
        method: request.method ?? "",
        url: request.url ?? "",
        headers: request.headers,
        bodyBytes: Buffer.concat(chunks).length,
        body,
      });
      if (this.seen.length > 500) this.seen.shift();
      const hold = this.holds.shift();
      if (hold) {
        response.writeHead(200, { "content-type": "text/plain", "x-origin": this.name });
        response.write("first|");
        hold.markStarted();
        void hold.gate.then(() => response.end("last"));
        return;
      }
      const answer = (): void => {
        response.writeHead(this.behaviour.status, {
          "content-type": "application/json",
          "x-origin": this.name,
          connection: "keep-alive, x-custom-hop",
          "keep-alive": "timeout=5",
          "x-custom-hop": "drop-me",
        });
        response.end(
          JSON.stringify({
            origin: this.name,
            method: request.method,
            url: request.url,
            bodyBytes: body.length,
          }),
        );
      };
      const share = this.behaviour.failShare;
      if (share > 0 && Math.floor(this.hits * share) > Math.floor((this.hits - 1) * share)) {
        response.writeHead(503, { "content-type": "text/plain", "x-origin": this.name }).end("failing");
        return;
      }
      if (this.behaviour.delayMs > 0) setTimeout(answer, this.behaviour.delayMs);
      else answer();
    });
  }
}
