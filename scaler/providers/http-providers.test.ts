import { createHmac, timingSafeEqual } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { LoopbackServer, RecordedRequest } from "../../test/scaler/loopback-server.ts";
import { startLoopbackServer } from "../../test/scaler/loopback-server.ts";
import { RemoteCallError } from "../http/http-errors.ts";
import { simulatorProvider } from "./simulator-provider.ts";
import { SIGNATURE_HEADER, webhookProvider } from "./webhook-provider.ts";

const NOW = Date.UTC(2026, 2, 2, 14, 0);
const request = {
  origin: "eu-1",
  pool: "eu-west",
  current: 4,
  desired: 6,
  reason:
    "eu-west forecast 1,840 rps at 14:05 UTC exceeds 70 % of 2,400 rps capacity; scaling eu-1 from 4 to 6 replicas",
  decisionId: "7-eu-west-scale-out-eu-1",
};

let server: LoopbackServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** What a receiver does: recompute the HMAC over "<t>.<body>" and compare in constant time,
 * refusing stale timestamps. */
function verifySignature(secret: string, r: RecordedRequest, nowSeconds: number): boolean {
  const header = String(r.headers[SIGNATURE_HEADER] ?? "");
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!match) return false;
  const [, t = "", mac = ""] = match;
  if (Math.abs(nowSeconds - Number(t)) > 300) return false;
  const expected = createHmac("sha256", secret).update(`${t}.${r.body}`).digest();
  return timingSafeEqual(expected, Buffer.from(mac, "hex"));
}

describe("webhook provider", () => {
  it("posts the change as signed JSON that a receiver holding the secret can verify", async () => {
    server = await startLoopbackServer((r) =>
      verifySignature("s3cret", r, NOW / 1000)
        ? { status: 202, body: { replicas: 6 } }
        : { status: 401, body: { error: "bad signature" } },
    );
    const result = await webhookProvider({
      url: `${server.url}/hooks/scale`,
      secret: "s3cret",
      now: () => NOW,
    }).scale(request);
    expect(result).toEqual({ replicas: 6 });
    const received = server.requests[0];
    expect(received?.method).toBe("POST");
    expect(received?.path).toBe("/hooks/scale");
    expect(received?.headers["idempotency-key"]).toBe(request.decisionId);
    expect(JSON.parse(received?.body ?? "")).toEqual({
      origin: "eu-1",
      pool: "eu-west",
      current: 4,
      desired: 6,
      reason: request.reason,
      decisionId: request.decisionId,
    });
  });

  it("is refused, without retrying, when signed with the wrong secret", async () => {
    server = await startLoopbackServer((r) =>
      verifySignature("s3cret", r, NOW / 1000)
        ? { status: 202 }
        : { status: 401, body: { error: "bad signature" } },
    );
    const error = await webhookProvider({ url: server.url, secret: "wrong", now: () => NOW })
      .scale(request)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteCallError);
    expect((error as RemoteCallError).retryable).toBe(false);
    expect((error as RemoteCallError).message).toContain("HTTP 401 bad signature");
    expect((error as RemoteCallError).message).toContain("(eu-1 to 6 replicas)");
    const toOne = await webhookProvider({ url: server.url, secret: "wrong", now: () => NOW })
      .scale({ ...request, desired: 1 })
      .catch((e: unknown) => e);
    expect((toOne as RemoteCallError).message).toContain("(eu-1 to 1 replica)");
  });

  it("sends no signature without a secret, and treats an unreachable receiver as transient", async () => {
    server = await startLoopbackServer(() => ({ status: 200 }));
    await webhookProvider({ url: server.url, now: () => NOW }).scale(request);
    expect(server.requests[0]?.headers[SIGNATURE_HEADER]).toBeUndefined();
    const url = server.url;
    await server.close();
    server = undefined;
    const error = await webhookProvider({ url, now: () => NOW, timeoutMs: 2000 })
      .scale(request)
      .catch((e: unknown) => e);
    expect((error as RemoteCallError).retryable).toBe(true);
  });
});

/** A fake origin following the simulator's scale contract (infra's interfaces). */
function fakeSimulator(token?: string) {
  let desired = 4;
  return (r: RecordedRequest) => {
    if (token !== undefined && r.headers.authorization !== `Bearer ${token}`)
      return { status: 401, body: { error: "missing or wrong control token" } };
    if (r.path !== "/__sim/scale") return { status: 404, body: { error: "not found" } };
    if (r.method === "POST") {
      const body = JSON.parse(r.body) as { replicas?: unknown };
      if (typeof body.replicas !== "number" || !Number.isInteger(body.replicas) || body.replicas < 0)
        return {
          status: 400,
          body: { error: "invalid body", issues: [{ path: "replicas", message: "must be an integer >= 0" }] },
        };
      desired = body.replicas;
      return {
        status: 202,
        body: { replicas: 4, desired, booting: Math.max(0, desired - 4), capacityRps: 400 },
      };
    }
    return {
      status: 200,
      body: { replicas: 4, desired, booting: Math.max(0, desired - 4), capacityRps: 400 },
    };
  };
}

describe("local simulator provider", () => {
  it("asks the simulated origin for the desired replicas and reports what it will converge to", async () => {
    server = await startLoopbackServer(fakeSimulator("sim-token"));
    const result = await simulatorProvider({ url: server.url, token: "sim-token" }).scale(request);
    expect(result).toEqual({ replicas: 6 });
    expect(server.requests[0]).toMatchObject({
      method: "POST",
      path: "/__sim/scale",
      body: '{"replicas":6}',
    });
  });

  it("surfaces the simulator's refusal with its issues, as final", async () => {
    server = await startLoopbackServer(fakeSimulator());
    const error = await simulatorProvider({ url: server.url })
      .scale({ ...request, desired: -1 })
      .catch((e: unknown) => e);
    expect((error as RemoteCallError).retryable).toBe(false);
    expect((error as RemoteCallError).message).toContain("replicas: must be an integer >= 0");
    const guarded = await startLoopbackServer(fakeSimulator("x"));
    const unauthorised = await simulatorProvider({ url: guarded.url })
      .scale(request)
      .catch((e: unknown) => e);
    await guarded.close();
    expect((unauthorised as RemoteCallError).status).toBe(401);
  });
});
