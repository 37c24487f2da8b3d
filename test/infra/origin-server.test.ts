import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ORIGIN_METRICS } from "../../contracts/index.ts";
import type { TestOrigin } from "./test-origin.ts";
import { parsePrometheusText, startTestOrigin } from "./test-origin.ts";

const started: TestOrigin[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((origin) => origin.stop()));
});

async function origin(options: Parameters<typeof startTestOrigin>[0] = {}): Promise<TestOrigin> {
  const running = await startTestOrigin(options);
  started.push(running);
  return running;
}

async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: unknown }> {
  const response = await fetch(url, {
    method: "POST",
    body: typeof body === "string" ? body : JSON.stringify(body),
    headers: { "content-type": "application/json", ...headers },
  });
  return { status: response.status, json: await response.json() };
}

async function getJson(url: string): Promise<unknown> {
  return (await fetch(url)).json();
}

async function metrics(o: TestOrigin): Promise<Map<string, number>> {
  return parsePrometheusText(await (await fetch(`${o.url}/metrics`)).text()).samples;
}

/** The first `count` of `promises` to settle, in settling order. */
async function firstSettled<T>(promises: Promise<T>[], count: number): Promise<T[]> {
  const done: T[] = [];
  await new Promise<void>((resolve) => {
    for (const promise of promises) {
      void promise.then((value) => {
        done.push(value);
        if (done.length === count) resolve();
      });
    }
  });
  return done.slice(0, count);
}

describe("simulated origin over HTTP", () => {
  it("answers an application request only after its simulated service time, and counts it", async () => {
    const o = await origin({ seed: 3 });
    const pending = fetch(`${o.url}/api/items?id=1`);
    expect(await o.nextArrival()).toBe("/api/items");
    expect(o.origin.queue.busy).toBe(1);
    o.scheduler.advance(60_000);
    const response = await pending;
    expect(response.status).toBe(200);
    expect(response.headers.get("x-origin-id")).toBe("origin-a");
    const body = (await response.json()) as { origin: string; serviceMs: number };
    expect(body.origin).toBe("origin-a");
    const samples = await metrics(o);
    expect(samples.get(`${ORIGIN_METRICS.requests}{code="200"}`)).toBe(1);
    expect(samples.get(`${ORIGIN_METRICS.requestDuration}_count`)).toBe(1);
    expect((samples.get(`${ORIGIN_METRICS.requestDuration}_sum`) ?? 0) * 1000).toBeCloseTo(body.serviceMs, 0);
  });

  it("refuses requests past capacity with 503 at once while queued ones wait their turn", async () => {
    // 1 replica x 10 rps, queue of ceil(10 x 0.2) = 2: one in service, two waiting, the rest shed.
    const o = await origin({ spec: { initialReplicas: 1, capacityPerReplicaRps: 10, maxQueueDelayMs: 200 } });
    const requests = Array.from({ length: 5 }, () => fetch(`${o.url}/work`).then((r) => r.status));
    for (let i = 0; i < 5; i++) await o.nextArrival();
    expect(await firstSettled(requests, 2)).toEqual([503, 503]);
    o.scheduler.advance(60_000);
    expect((await Promise.all(requests)).sort()).toEqual([200, 200, 200, 503, 503]);
    const samples = await metrics(o);
    expect(samples.get(`${ORIGIN_METRICS.requests}{code="503"}`)).toBe(2);
    expect(samples.get(`${ORIGIN_METRICS.requests}{code="200"}`)).toBe(3);
  });

  it("adds replicas only after the boot delay and removes them at once, booting ones first", async () => {
    const o = await origin({ spec: { initialReplicas: 2, bootDelaySeconds: 15, capacityPerReplicaRps: 20 } });
    expect(await post(`${o.url}/__sim/scale`, { replicas: 5 })).toEqual({
      status: 202,
      json: { replicas: 2, desired: 5, booting: 3, capacityRps: 40 },
    });
    o.scheduler.advance(14_999);
    expect(await getJson(`${o.url}/__sim/scale`)).toEqual({
      replicas: 2,
      desired: 5,
      booting: 3,
      capacityRps: 40,
    });
    o.scheduler.advance(1);
    expect(await getJson(`${o.url}/__sim/scale`)).toEqual({
      replicas: 5,
      desired: 5,
      booting: 0,
      capacityRps: 100,
    });
    expect((await metrics(o)).get(ORIGIN_METRICS.capacityRps)).toBe(100);

    await post(`${o.url}/__sim/scale`, { replicas: 7 });
    expect((await post(`${o.url}/__sim/scale`, { replicas: 3 })).json).toEqual({
      replicas: 3,
      desired: 3,
      booting: 0,
      capacityRps: 60,
    });
    o.scheduler.advance(60_000);
    expect(((await getJson(`${o.url}/__sim/scale`)) as { replicas: number }).replicas).toBe(3);
  });

  it("rejects a malformed or out-of-range scale request with its issues and changes nothing", async () => {
    const o = await origin({ spec: { initialReplicas: 2, minReplicas: 1, maxReplicas: 4 } });
    const tooMany = await post(`${o.url}/__sim/scale`, { replicas: 5 });
    expect(tooMany.status).toBe(400);
    expect(tooMany.json).toMatchObject({
      issues: [{ path: "replicas", message: expect.stringContaining("1..4") as unknown }],
    });
    expect((await post(`${o.url}/__sim/scale`, { replicas: 2.5 })).json).toMatchObject({
      issues: [{ path: "replicas", message: "must be an integer" }],
    });
    expect((await post(`${o.url}/__sim/scale`, "{nope")).status).toBe(400);
    expect((await post(`${o.url}/__sim/scale`, { replicas: 3, extra: 1 })).status).toBe(400);
    expect((await post(`${o.url}/__sim/scale`, { replicas: 3, pad: "x".repeat(20_000) })).status).toBe(413);
    expect(await getJson(`${o.url}/__sim/scale`)).toEqual({
      replicas: 2,
      desired: 2,
      booting: 0,
      capacityRps: 40,
    });
  });

  it("guards the control routes with the bearer token when one is set, not health or metrics", async () => {
    const o = await origin({ controlToken: "s3cret" });
    expect((await fetch(`${o.url}/__sim/scale`)).status).toBe(401);
    expect((await fetch(`${o.url}/__sim/scale`, { headers: { authorization: "Bearer wrong" } })).status).toBe(
      401,
    );
    expect((await post(`${o.url}/__sim/fault`, { mode: "error" })).status).toBe(401);
    expect(o.origin.fault.mode).toBe("none");
    expect(
      (await fetch(`${o.url}/__sim/scale`, { headers: { authorization: "Bearer s3cret" } })).status,
    ).toBe(200);
    expect((await fetch(`${o.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${o.url}/metrics`)).status).toBe(200);
  });

  it("exposes metrics that parse as Prometheus text with the contract's names and types", async () => {
    const o = await origin();
    const text = await (await fetch(`${o.url}/metrics`)).text();
    const { types, samples } = parsePrometheusText(text);
    expect(types.get(ORIGIN_METRICS.requests)).toBe("counter");
    expect(types.get(ORIGIN_METRICS.requestDuration)).toBe("histogram");
    expect(types.get(ORIGIN_METRICS.replicas)).toBe("gauge");
    expect(types.get(ORIGIN_METRICS.capacityRps)).toBe("gauge");
    expect(types.get(ORIGIN_METRICS.cpu)).toBe("gauge");
    expect(samples.get(`${ORIGIN_METRICS.requestDuration}_bucket{le="+Inf"}`)).toBe(0);
    expect(samples.get(ORIGIN_METRICS.replicas)).toBe(2);
    const cpu = samples.get(ORIGIN_METRICS.cpu) ?? -1;
    expect(cpu).toBeGreaterThanOrEqual(0);
    expect(cpu).toBeLessThanOrEqual(1);
  });
});

describe("simulated origin faults", () => {
  it("error: answers requests and health checks with the chosen status; metrics keep working", async () => {
    const o = await origin();
    expect(await post(`${o.url}/__sim/fault`, { mode: "error", status: 502 })).toEqual({
      status: 200,
      json: { mode: "error", status: 502 },
    });
    expect((await fetch(`${o.url}/anything`)).status).toBe(502);
    expect((await fetch(`${o.url}/healthz`)).status).toBe(502);
    expect((await metrics(o)).get(`${ORIGIN_METRICS.requests}{code="502"}`)).toBe(1);
  });

  it("clears itself after the given seconds", async () => {
    const o = await origin();
    const set = await post(`${o.url}/__sim/fault`, { mode: "error", seconds: 2 });
    expect(set.json).toEqual({
      mode: "error",
      status: 503,
      until: new Date(o.scheduler.now() + 2000).toISOString(),
    });
    o.scheduler.advance(2000);
    expect(await getJson(`${o.url}/__sim/fault`)).toEqual({ mode: "none" });
    expect((await fetch(`${o.url}/healthz`)).status).toBe(200);
  });

  it("slow: stretches service times by its factor", async () => {
    const normal = await origin({ seed: 9 });
    const slowed = await origin({ seed: 9 });
    await post(`${slowed.url}/__sim/fault`, { mode: "slow", factor: 4 });
    const serviceMs = async (o: TestOrigin): Promise<number> => {
      const pending = fetch(`${o.url}/x`);
      await o.nextArrival();
      o.scheduler.advance(600_000);
      return ((await (await pending).json()) as { serviceMs: number }).serviceMs;
    };
    const base = await serviceMs(normal);
    expect(await serviceMs(slowed)).toBeCloseTo(base * 4, 0);
  });

  it("refuse: closes the port (connections refused) until the fault clears", async () => {
    const o = await origin();
    expect((await post(`${o.url}/__sim/fault`, { mode: "refuse", seconds: 5 })).status).toBe(200);
    const refused = await new Promise<string>((resolve) => {
      const socket = connect(o.port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve("connected");
      });
      socket.once("error", (error: NodeJS.ErrnoException) => {
        resolve(error.code ?? "error");
      });
    });
    expect(refused).toBe("ECONNREFUSED");
    await expect(fetch(`${o.url}/healthz`)).rejects.toThrow();
    o.scheduler.advance(5000);
    await o.whenListening();
    expect((await fetch(`${o.url}/healthz`)).status).toBe(200);
  });

  it("hang: holds requests without answering, then resets them when the fault clears", async () => {
    const o = await origin();
    await post(`${o.url}/__sim/fault`, { mode: "hang" });
    const pending = fetch(`${o.url}/x`).then(
      (r) => r.status,
      () => "reset",
    );
    await o.nextArrival();
    o.scheduler.advance(600_000);
    await post(`${o.url}/__sim/fault`, { mode: "none" });
    expect(await pending).toBe("reset");
    expect((await metrics(o)).get(`${ORIGIN_METRICS.requestDuration}_count`)).toBe(0);
    expect((await fetch(`${o.url}/healthz`)).status).toBe(200);
  });

  it("rejects an unknown mode or a field the mode does not take", async () => {
    const o = await origin();
    expect((await post(`${o.url}/__sim/fault`, { mode: "melt" })).json).toEqual({
      error: "invalid fault",
      issues: [{ path: "mode", message: "must be one of none, refuse, error, slow, hang" }],
    });
    expect((await post(`${o.url}/__sim/fault`, { mode: "refuse" })).status).toBe(400);
    expect((await post(`${o.url}/__sim/fault`, { mode: "slow", status: 500 })).status).toBe(400);
    expect(o.origin.fault).toEqual({ mode: "none" });
  });
});
