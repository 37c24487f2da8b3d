// The scaler's simulator provider against the real origin simulator of the local stack.
import { afterEach, describe, expect, it } from "vitest";
import { seededRng } from "../../contracts/index.ts";
import type { Fleet } from "../../infra/simulator/fleet.ts";
import { startFleet } from "../../infra/simulator/fleet.ts";
import { virtualScheduler } from "../../infra/simulator/scheduler.ts";
import type { RemoteCallError } from "../../scaler/http/http-errors.ts";
import { simulatorProvider } from "../../scaler/providers/simulator-provider.ts";

let fleet: Fleet | undefined;
afterEach(async () => {
  await fleet?.stop();
  fleet = undefined;
});

describe("simulator provider against the real origin simulator", () => {
  it("adds replicas that serve after the boot delay, behind the control token", async () => {
    const scheduler = virtualScheduler();
    fleet = await startFleet(
      {
        basePort: 0,
        defaults: { initialReplicas: 2, maxReplicas: 10, bootDelaySeconds: 30, capacityPerReplicaRps: 20 },
        pools: [
          {
            name: "eu-west",
            city: "Frankfurt",
            location: { lat: 50.1, lon: 8.7 },
            origins: [{ id: "eu-1" }],
          },
        ],
      },
      { scheduler, rng: seededRng(1), controlToken: "sim-token", log: () => undefined },
    );
    const url = fleet.origins[0]?.url ?? "";
    const request = {
      origin: "eu-1",
      pool: "eu-west",
      current: 2,
      desired: 5,
      reason: "test",
      decisionId: "1",
    };
    const refused = await simulatorProvider({ url })
      .scale(request)
      .catch((e: unknown) => e);
    expect((refused as RemoteCallError).status).toBe(401);
    expect(await simulatorProvider({ url, token: "sim-token" }).scale(request)).toEqual({ replicas: 5 });
    const before = (await (
      await fetch(`${url}/__sim/scale`, { headers: { authorization: "Bearer sim-token" } })
    ).json()) as Record<string, number>;
    expect(before).toMatchObject({ replicas: 2, desired: 5, booting: 3 });
    scheduler.advance(30_000);
    const after = (await (
      await fetch(`${url}/__sim/scale`, { headers: { authorization: "Bearer sim-token" } })
    ).json()) as Record<string, number>;
    expect(after).toMatchObject({ replicas: 5, desired: 5, booting: 0, capacityRps: 100 });
  });
});
