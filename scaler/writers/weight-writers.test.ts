import { afterEach, describe, expect, it } from "vitest";
import type { WeightsOverlay } from "../../contracts/index.ts";
import { tableOf } from "../policy/policy-fixtures.ts";
import type { FakeWorkerAdmin } from "../../test/scaler/fake-worker-admin.ts";
import { startFakeWorkerAdmin } from "../../test/scaler/fake-worker-admin.ts";
import type { LoopbackServer, RecordedRequest } from "../../test/scaler/loopback-server.ts";
import { startLoopbackServer } from "../../test/scaler/loopback-server.ts";
import { RemoteCallError, StaleVersionError } from "../http/http-errors.ts";
import { cloudflareKvWriter } from "./cloudflare-kv-writer.ts";
import type { WeightWriter } from "./weight-writer.ts";
import { workerAdminWriter } from "./worker-admin-writer.ts";

const table = tableOf([
  { name: "eu-west", fallback: "us-east", origins: [["eu-1", 100]] },
  { name: "us-east", origins: [["us-1", 100]] },
]);
const overlay = (version: number, spill = 0.2): WeightsOverlay => ({
  version,
  updatedAt: "2026-03-02T14:00:00.000Z",
  expiresAt: "2026-03-02T14:05:00.000Z",
  factors: { "eu-1": 0.8 },
  spill: { "eu-west": spill },
  reason: "test",
});

/** A fake of the Cloudflare KV REST API for one namespace: bearer token, raw values, 404s and
 * errors in Cloudflare's `{ success, errors }` shape. */
function fakeKvApi(token: string, store: Map<string, string>) {
  const prefix =
    "/client/v4/accounts/0123456789abcdef0123456789abcdef/storage/kv/namespaces/fedcba9876543210fedcba9876543210/values/";
  return (r: RecordedRequest) => {
    if (r.headers.authorization !== `Bearer ${token}`)
      return {
        status: 403,
        body: {
          success: false,
          errors: [{ code: 10000, message: "Authentication error" }],
          messages: [],
          result: null,
        },
      };
    if (!r.path.startsWith(prefix))
      return {
        status: 404,
        body: { success: false, errors: [{ code: 7003, message: "No route for that URI" }] },
      };
    const key = decodeURIComponent(r.path.slice(prefix.length));
    if (r.method === "GET") {
      const value = store.get(key);
      return value === undefined
        ? {
            status: 404,
            body: { success: false, errors: [{ code: 10009, message: "get: 'key not found'" }] },
          }
        : { status: 200, body: value, headers: { "content-type": "application/octet-stream" } };
    }
    if (r.method === "PUT") {
      store.set(key, r.body);
      return { status: 200, body: { success: true, errors: [], messages: [], result: {} } };
    }
    return {
      status: 405,
      body: { success: false, errors: [{ code: 10405, message: "method not allowed" }] },
    };
  };
}

let admin: FakeWorkerAdmin | undefined;
let kv: LoopbackServer | undefined;
afterEach(async () => {
  await admin?.close();
  await kv?.close();
  admin = undefined;
  kv = undefined;
});

/** The rules every writer must keep, run against each implementation (one case file, as Hono
 * runs its routers). */
const cases: [
  string,
  () => Promise<{ writer: WeightWriter; stored: () => WeightsOverlay | null; badToken: WeightWriter }>,
][] = [
  [
    "Worker admin API",
    async () => {
      admin = await startFakeWorkerAdmin("admin-token", table);
      const fake = admin;
      return {
        writer: workerAdminWriter({ url: fake.url, token: "admin-token" }),
        stored: () => fake.state.weights,
        badToken: workerAdminWriter({ url: fake.url, token: "nope" }),
      };
    },
  ],
  [
    "Cloudflare KV REST API",
    async () => {
      const store = new Map([["table", JSON.stringify(table)]]);
      kv = await startLoopbackServer(fakeKvApi("cf-token", store));
      const options = {
        apiBase: `${kv.url}/client/v4`,
        accountId: "0123456789abcdef0123456789abcdef",
        namespaceId: "fedcba9876543210fedcba9876543210",
      };
      return {
        writer: cloudflareKvWriter({ ...options, token: "cf-token" }),
        stored: () =>
          store.has("weights") ? (JSON.parse(store.get("weights") ?? "") as WeightsOverlay) : null,
        badToken: cloudflareKvWriter({ ...options, token: "nope" }),
      };
    },
  ],
];

describe.each(cases)("weights written through the %s", (_name, setup) => {
  it("reads the origin table and starts with no overlay", async () => {
    const { writer } = await setup();
    expect(await writer.readTable()).toEqual(table);
    expect(await writer.readWeights()).toBeNull();
  });

  it("writes whole overlays with growing versions and refuses a stale one, keeping the newer", async () => {
    const { writer, stored } = await setup();
    await writer.writeWeights(overlay(10));
    await writer.writeWeights(overlay(11, 0.1));
    const stale = await writer.writeWeights(overlay(11, 0.5)).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(StaleVersionError);
    expect(stored()).toEqual(overlay(11, 0.1));
    expect(await writer.readWeights()).toEqual(overlay(11, 0.1));
  });

  it("refuses an invalid overlay with every issue, changing nothing", async () => {
    const { writer, stored } = await setup();
    const bad = { ...overlay(12), factors: { "eu-1": 42 }, spill: { "eu-west": 2 } };
    const error = await writer.writeWeights(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteCallError);
    expect((error as RemoteCallError).retryable).toBe(false);
    expect((error as RemoteCallError).issues?.map((i) => i.path).sort()).toEqual([
      'factors["eu-1"]',
      'spill["eu-west"]',
    ]);
    expect(stored()).toBeNull();
  });

  it("fails for good with a wrong token", async () => {
    const { badToken } = await setup();
    const error = await badToken.writeWeights(overlay(13)).catch((e: unknown) => e);
    expect((error as RemoteCallError).retryable).toBe(false);
    expect((error as RemoteCallError).status).toBeGreaterThanOrEqual(401);
  });
});

describe("Worker admin writer", () => {
  it("treats a 503 from the Worker as transient", async () => {
    admin = await startFakeWorkerAdmin("t", table);
    admin.state.failNext.push(503);
    const error = await workerAdminWriter({ url: admin.url, token: "t" })
      .writeWeights(overlay(1))
      .catch((e: unknown) => e);
    expect((error as RemoteCallError).retryable).toBe(true);
  });
});
