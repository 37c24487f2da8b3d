import { createServer } from "node:net";
import type { Server } from "node:net";
import { describe, expect, it } from "vitest";
import { seededRng, validateOriginTable, ValidationError } from "../../contracts/index.ts";
import { DEFAULT_FLEET } from "../../infra/simulator/default-fleet.ts";
import { startFleet } from "../../infra/simulator/fleet.ts";
import { PortInUseError } from "../../infra/simulator/origin-server.ts";
import { virtualScheduler } from "../../infra/simulator/scheduler.ts";

function listenOn(port: number): Promise<Server | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => {
      resolve(null);
    });
    server.listen(port, "127.0.0.1", () => {
      resolve(server);
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
}

/** A free port P whose neighbour P + 1 is held by `blocker`. */
async function portBesideABlockedOne(): Promise<{ port: number; blocker: Server }> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const probe = await listenOn(0);
    const address = probe?.address();
    if (!probe || typeof address !== "object" || address === null) continue;
    const blocker = await listenOn(address.port + 1);
    await close(probe);
    if (blocker) return { port: address.port, blocker };
  }
  throw new Error("no pair of adjacent ports found");
}

const deps = () => ({ scheduler: virtualScheduler(), rng: seededRng(1), log: () => undefined });

describe("simulated fleet", () => {
  it("starts pools at real coordinates and builds a valid origin table of the live origins", async () => {
    const fleet = await startFleet({ ...DEFAULT_FLEET, basePort: 0 }, deps());
    const firstUrl = fleet.origins[0]?.url ?? "";
    try {
      expect(validateOriginTable(fleet.table).ok).toBe(true);
      expect(fleet.table.pools.map((pool) => [pool.name, pool.fallback])).toEqual([
        ["eu-west", "us-east"],
        ["us-east", "eu-west"],
        ["ap-southeast", "eu-west"],
        ["sa-east", "us-east"],
      ]);
      expect(fleet.table.pools.find((pool) => pool.name === "ap-southeast")?.location).toEqual({
        lat: 1.35,
        lon: 103.82,
      });
      for (const pool of fleet.table.pools) expect(pool.origins.length).toBeGreaterThanOrEqual(2);
      const ids = fleet.table.pools.flatMap((pool) => pool.origins.map((origin) => origin.id));
      expect(ids).toEqual(fleet.origins.map((running) => running.origin.spec.id));
      for (const running of fleet.origins) {
        const listed = fleet.table.pools
          .flatMap((pool) => pool.origins)
          .find((origin) => origin.id === running.origin.spec.id);
        expect(listed?.url).toBe(`http://127.0.0.1:${running.port}`);
        expect(await (await fetch(`${running.url}/healthz`)).json()).toMatchObject({
          ok: true,
          origin: running.origin.spec.id,
        });
      }
    } finally {
      await fleet.stop();
    }
    await expect(fetch(`${firstUrl}/healthz`)).rejects.toThrow();
  });

  it("stops with a clear error naming the port in use, leaving no origin listening", async () => {
    const { port, blocker } = await portBesideABlockedOne();
    try {
      const failure = await startFleet({ ...DEFAULT_FLEET, basePort: port }, deps()).catch(
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(PortInUseError);
      expect((failure as PortInUseError).message).toContain(`port ${port + 1}`);
      expect((failure as PortInUseError).message).toContain("eu-west-2");
      // The first origin had started on `port`; it was stopped again, so the port is free.
      const again = await listenOn(port);
      expect(again).not.toBeNull();
      if (again) await close(again);
    } finally {
      await close(blocker);
    }
  });

  it("refuses an invalid fleet spec before opening any port", async () => {
    const bad = {
      pools: [
        {
          name: "eu",
          city: "Frankfurt",
          location: { lat: 50, lon: 8 },
          fallback: "nowhere",
          origins: [{ id: "a", initialReplicas: 5, maxReplicas: 2 }, { id: "a" }],
        },
      ],
      basePort: 0,
    };
    const failure = await startFleet(bad, deps()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ValidationError);
    const paths = (failure as ValidationError).issues.map((issue) => issue.path);
    expect(paths).toEqual([
      "pools[0].origins[0].initialReplicas",
      "pools[0].origins[1].id",
      "pools[0].fallback",
    ]);
    const tableFailure = await startFleet(
      { ...bad, pools: [{ ...bad.pools[0], origins: [{ id: "a" }, { id: "a" }] }] },
      deps(),
    ).catch((error: unknown) => error);
    expect((tableFailure as ValidationError).issues.map((issue) => issue.path).sort()).toEqual([
      "pools[0].fallback",
      "pools[0].origins[1].id",
    ]);
    const mixed = await startFleet(
      { ...bad, pools: [{ ...bad.pools[0], origins: [{ id: "a", wieght: 1 }, { id: "a" }] }] },
      deps(),
    ).catch((error: unknown) => error);
    expect((mixed as ValidationError).issues.map((issue) => issue.path)).toEqual([
      "pools[0].origins[0].wieght",
      "pools[0].origins[1].id",
      "pools[0].fallback",
    ]);
  });
});
