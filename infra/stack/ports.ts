import { createServer } from "node:net";
import type { AddressInfo } from "node:net";

/** A port the stack needs: what uses it and which setting moves it (for the message). */
export type PortClaim = { port: number; what: string; setting: string };

/** One or more ports the stack needs are taken; the message names each and how to move it. */
export class PortsInUseError extends Error {
  readonly claims: readonly PortClaim[];
  constructor(claims: readonly PortClaim[], host: string) {
    super(
      claims
        .map(
          (claim) =>
            `port ${claim.port} on ${host} (${claim.what}) is already in use: stop what listens there, or choose another port with ${claim.setting}`,
        )
        .join("\n"),
    );
    this.name = "PortsInUseError";
    this.claims = claims;
  }
}

/** Resolves true when `port` can be bound on `host` now (it is closed again at once). */
export function isPortFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE" || error.code === "EACCES") resolve(false);
      else reject(error);
    });
    server.listen({ port, host, exclusive: true }, () => {
      server.close(() => {
        resolve(true);
      });
    });
  });
}

/** Checks every claimed port before anything starts, so a conflict stops the start with one
 * message listing every taken port rather than a half-started stack. */
export async function assertPortsFree(claims: readonly PortClaim[], host: string): Promise<void> {
  const taken: PortClaim[] = [];
  for (const claim of claims) if (!(await isPortFree(claim.port, host))) taken.push(claim);
  if (taken.length > 0) throw new PortsInUseError(taken, host);
}

/** A port the kernel says is free now (for tests and `port 0` settings). */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, host, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

/** A free port `p` whose companion `p + offset` is free too (wrangler dev puts its inspector
 * there), with `p + offset` still a valid port. */
export async function freePortPair(host: string, offset: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await freePort(host);
    if (port + offset <= 65_535 && (await isPortFree(port + offset, host))) return port;
  }
  throw new Error(`found no free port p on ${host} with p + ${offset} free as well`);
}
