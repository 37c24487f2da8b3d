import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { assertPortsFree, PortsInUseError } from "../../infra/stack/ports.ts";
import { startService } from "../../infra/stack/service-process.ts";
import { isAlive } from "./support/process-tree.ts";

/** Starts the stand-in service and resolves its id and its grandchild's once it prints them. */
async function startSleeperParent(
  args: string[],
): Promise<{ stop: (graceMs?: number) => Promise<void>; pids: number[] }> {
  let report: (pids: number[]) => void = () => undefined;
  const printed = new Promise<number[]>((resolve) => {
    report = resolve;
  });
  const service = startService({
    name: "the stand-in",
    script: "test/e2e/support/parent-of-sleeper.ts",
    args,
    env: {},
    onLine: (line) => {
      const match = /^pids (\d+) (\d+)$/.exec(line);
      if (match) report([Number(match[1]), Number(match[2])]);
    },
  });
  return { stop: (graceMs) => service.stop(graceMs), pids: await printed };
}

describe("a stack service process", () => {
  it("takes everything it spawned with it when stopped", async () => {
    const service = await startSleeperParent([]);
    expect(service.pids.every(isAlive)).toBe(true);
    await service.stop();
    expect(service.pids.filter(isAlive)).toEqual([]);
  }, 30_000);

  it("is killed, grandchild included, when it ignores SIGTERM past the grace period", async () => {
    const service = await startSleeperParent(["--stubborn"]);
    const started = performance.now();
    await service.stop(500);
    expect(service.pids.filter(isAlive)).toEqual([]);
    expect(performance.now() - started).toBeLessThan(10_000);
  }, 30_000);
});

describe("assertPortsFree", () => {
  it("names every taken port, what needs it and the setting that moves it", async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    const port = (holder.address() as AddressInfo).port;
    try {
      const claims = [
        { port, what: "the Worker under wrangler dev", setting: "--edge-port / HEADROOM_EDGE_PORT" },
      ];
      const error = await assertPortsFree(claims, "127.0.0.1").then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(PortsInUseError);
      expect((error as Error).message).toBe(
        `port ${port} on 127.0.0.1 (the Worker under wrangler dev) is already in use: stop what listens there, or choose another port with --edge-port / HEADROOM_EDGE_PORT`,
      );
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
    await expect(assertPortsFree([{ port, what: "x", setting: "y" }], "127.0.0.1")).resolves.toBeUndefined();
  });
});
