import { rm } from "node:fs/promises";
import type { Redis } from "ioredis";
import type { FaultOrigin } from "./fault-origin.ts";
import type { PrivateRedis } from "./private-redis.ts";
import type { ServiceProcess } from "./service-process.ts";

/** The parts a fault test starts, kept so that one `closeFaultParts` after each test frees them. */
export type FaultParts = {
  readonly services: ServiceProcess[];
  server?: PrivateRedis | undefined;
  client?: Redis | undefined;
  origin?: FaultOrigin | undefined;
  admin?: { close(): Promise<void> } | undefined;
  dir?: string | undefined;
};

/** Kills the services first (they hold the rest), then closes Redis, the origin and the fake
 * Worker, removes the folder, and forgets them all for the next test. */
export async function closeFaultParts(parts: FaultParts): Promise<void> {
  for (const service of parts.services.splice(0)) await service.kill("SIGKILL");
  parts.client?.disconnect();
  await parts.server?.close();
  await parts.origin?.close();
  await parts.admin?.close();
  if (parts.dir !== undefined) await rm(parts.dir, { recursive: true, force: true });
  Object.assign(parts, {
    server: undefined,
    client: undefined,
    origin: undefined,
    admin: undefined,
    dir: undefined,
  });
}
