import { createServer } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** A small HTTP origin on loopback for benchmarks: answers every request after `delayMs`,
 * `/healthz` at once; `kill()` closes it (connections refused, open ones cut) and `restart()`
 * listens again on the same port. */
export class LoopbackOrigin {
  hits = 0;
  private readonly sockets = new Set<Socket>();
  private readonly server = createServer((request, response) => {
    if (request.url === "/healthz") {
      response.end("ok");
      return;
    }
    this.hits++;
    setTimeout(() => response.end(`served by ${this.name}`), this.delayMs);
  });
  port = 0;

  private constructor(
    readonly name: string,
    private readonly delayMs: number,
  ) {
    this.server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
  }

  static async start(name: string, delayMs: number): Promise<LoopbackOrigin> {
    const origin = new LoopbackOrigin(name, delayMs);
    await origin.listen(0);
    return origin;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async kill(): Promise<void> {
    const closed = new Promise<void>((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  restart(): Promise<void> {
    return this.listen(this.port);
  }

  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, "127.0.0.1", () => {
        this.server.off("error", reject);
        this.port = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }
}

/** A loopback port that is free now, and whose +10000 neighbour (wrangler's inspector) is too. */
export async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 25_000);
    if ((await isFree(port)) && (await isFree(port + 10_000))) return port;
  }
  throw new Error("found no free loopback port pair");
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => {
      resolve(false);
    });
    probe.listen(port, "127.0.0.1", () => {
      probe.close(() => {
        resolve(true);
      });
    });
  });
}
