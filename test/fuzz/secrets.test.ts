// Where the Node services' secrets go: the predictor's admin token, the Worker token and the
// webhook secret the scaler holds, a Redis password, and the headers of a scrape target. Each
// reaches only the party it is for, and none appears in a log line or in Redis.
import { createHmac } from "node:crypto";
import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisKeys } from "../../contracts/index.ts";
import { parseTargetsFile } from "../../predictor/config/targets-file.ts";
import type { FakeWorkerAdmin } from "../scaler/fake-worker-admin.ts";
import { startFakeWorkerAdmin } from "../scaler/fake-worker-admin.ts";
import type { FaultOrigin } from "../faults/support/fault-origin.ts";
import { startFaultOrigin } from "../faults/support/fault-origin.ts";
import {
  eventually,
  faultTable,
  readDecisions,
  seedScaleOut,
  writeScalerConfig,
} from "../faults/support/scaler-setup.ts";
import type { ServiceProcess } from "../faults/support/service-process.ts";
import { startService } from "../faults/support/service-process.ts";
import type { TestRedis } from "../support/redis.ts";
import { openTestRedis } from "../support/redis.ts";

const SECRETS = {
  predictorToken: "predictor-token-SECRET-7d1f0c",
  workerToken: "worker-token-SECRET-52aa9e",
  webhookSecret: "webhook-SECRET-f00dfeed",
  redisPassword: "redis-pass-SECRET-8c3b",
  targetToken: "target-bearer-SECRET-0a0a",
  targetKey: "target-key-SECRET-1b1b",
  redirectedKey: "redirected-key-SECRET-2c2c",
};

let test: TestRedis;
let origin: FaultOrigin;
let admin: FakeWorkerAdmin;
let dir: string;
let predictor: ServiceProcess;
let scaler: ServiceProcess;
let api: string;
const elsewhere: http.IncomingHttpHeaders[] = [];
const servers: http.Server[] = [];

/** A loopback server answering every request with `handler`. */
async function serve(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  test = await openTestRedis("secrets");
  // Redis ignores a password it does not require, so the shared test Redis takes this URL too.
  const redisUrl = new URL(test.url);
  redisUrl.password = SECRETS.redisPassword;
  const now = Date.now();
  origin = await startFaultOrigin({ rps: 50, replicas: 3, rpsPerReplica: 100 });
  admin = await startFakeWorkerAdmin(SECRETS.workerToken, faultTable(origin.url, now));
  admin.state.failNext.push(503);
  // A second target that redirects to another origin, which records what reaches it.
  const destination = await serve((req, res) => {
    elsewhere.push(req.headers);
    res.end("http_requests_total 1\n");
  });
  const redirector = await serve((_req, res) => {
    res.writeHead(302, { location: `${destination}/metrics` });
    res.end();
  });
  dir = await mkdtemp(path.join(tmpdir(), "headroom-secrets-"));
  const targets = path.join(dir, "targets.json");
  await writeFile(
    targets,
    JSON.stringify({
      targets: [
        {
          url: `${origin.url}/metrics`,
          origin: "eu-1",
          headers: { authorization: `Bearer ${SECRETS.targetToken}`, "x-api-key": SECRETS.targetKey },
        },
        { url: `${redirector}/metrics`, origin: "eu-2", headers: { "x-api-key": SECRETS.redirectedKey } },
      ],
    }),
  );
  await seedScaleOut(test.redis, test.prefix, now, false);

  predictor = startService(
    "predictor/main.ts",
    [
      "--prefix",
      test.prefix,
      "--step",
      "1s",
      "--retention",
      "1h",
      "--targets",
      targets,
      "--model-dir",
      path.join(dir, "models"),
      "--min-train-points",
      "1000000",
      "--port",
      "0",
    ],
    { REDIS_URL: redisUrl.href, PREDICTOR_ADMIN_TOKEN: SECRETS.predictorToken },
  );
  [, api = ""] = await predictor.waitFor(/API on (http:\/\/\S+\/api)\//, 60_000);
  const config = await writeScalerConfig(dir, {
    adminUrl: admin.url,
    webhookUrl: `${origin.url}/hooks/scale`,
    lockSeconds: 30,
    webhookSecretEnv: "SCALE_WEBHOOK_SECRET",
  });
  scaler = startService("scaler/main.ts", ["--config", config], {
    REDIS_URL: redisUrl.href,
    REDIS_PREFIX: test.prefix,
    SCALER_QUEUE: `${test.prefix}-scaler`,
    LB_ADMIN_TOKEN: SECRETS.workerToken,
    SCALE_WEBHOOK_SECRET: SECRETS.webhookSecret,
  });

  // Let both do everything once: scrape, refuse the redirect, accept a write, scale, reweight.
  const slo = JSON.stringify({
    pool: "us-east",
    mode: "advise",
    targetUtilization: 0.7,
    leadSeconds: 300,
    scaleInCooldownSeconds: 600,
  });
  expect(
    (
      await fetch(`${api}/slos/us-east`, {
        method: "PUT",
        body: slo,
        headers: { authorization: `Bearer ${SECRETS.predictorToken}` },
      })
    ).status,
  ).toBe(200);
  expect(
    (
      await fetch(`${api}/slos/us-east`, {
        method: "PUT",
        body: slo,
        headers: { authorization: `Bearer ${SECRETS.predictorToken.slice(0, -1)}` },
      })
    ).status,
  ).toBe(401);
  await eventually(
    "the scaler's scale-out",
    async () =>
      (await readDecisions(test.redis, test.prefix)).some((d) => d.action === "scale-out" && d.applied),
    60_000,
  );
  await eventually(
    "the refused redirect in the scrape errors",
    async () => (await test.redis.xlen(redisKeys(test.prefix).scrapeErrors)) > 0,
    30_000,
  );
}, 120_000);

afterAll(async () => {
  await predictor.kill("SIGTERM");
  await scaler.kill("SIGTERM");
  await origin.close();
  await admin.close();
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
  await test.cleanup();
  await rm(dir, { recursive: true, force: true });
});

const allSecrets = Object.values(SECRETS);
const containsSecret = (text: string) => allSecrets.filter((secret) => text.includes(secret));

describe("secrets of the Node services", () => {
  it("never appear in what the predictor and the scaler log", () => {
    expect(predictor.output()).toMatch(/API on/);
    expect(scaler.output()).toMatch(/evaluating every/);
    expect(containsSecret(predictor.output())).toEqual([]);
    expect(containsSecret(scaler.output())).toEqual([]);
  });

  it("stay out of the messages of a refused configuration and of an unreachable Redis", async () => {
    const shortToken = "SECRET-short";
    const refused = startService(
      "predictor/main.ts",
      ["--admin-token", shortToken, "--redis", `rediss://user:${SECRETS.redisPassword}@ bad host`],
      {},
    );
    await refused.waitFor(/invalid configuration/, 30_000);
    const unreachable = startService("predictor/main.ts", ["--roles", "api", "--port", "0"], {
      REDIS_URL: `redis://:${SECRETS.redisPassword}@127.0.0.1:1`,
    });
    await unreachable.waitFor(/cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1/, 30_000);
    for (const service of [refused, unreachable]) {
      await service.kill("SIGKILL");
      expect(service.output()).not.toContain(shortToken);
      expect(service.output()).not.toContain(SECRETS.redisPassword);
    }
    expect(refused.output()).toMatch(
      /--admin-token \/ PREDICTOR_ADMIN_TOKEN: must be at least 16 characters .*\(got 12 characters\)/,
    );
  });

  it("are refused in a target's URL and never echoed from a targets file's headers", () => {
    const parsed = parseTargetsFile(
      JSON.stringify({
        targets: [
          { url: `https://scraper:${SECRETS.targetToken}@10.0.0.1/metrics`, origin: "eu-1" },
          { url: "http://10.0.0.2/metrics", origin: "eu-2", headers: { "x-api-key": 98_765_432_123 } },
        ],
      }),
    );
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.issues.map((i) => i.path)).toEqual(["targets[0].url", 'targets[1].headers["x-api-key"]']);
    expect(JSON.stringify(parsed.issues)).not.toMatch(new RegExp(`${SECRETS.targetToken}|98765432123`));
  });

  it("are not stored in Redis, not even in the scrape errors or job data", async () => {
    const keys = await test.redis.keys(`*${test.prefix}*`);
    const dumped: string[] = [];
    for (const key of keys) {
      const type = await test.redis.type(key);
      if (type === "string") dumped.push((await test.redis.get(key)) ?? "");
      if (type === "hash") dumped.push(JSON.stringify(await test.redis.hgetall(key)));
      if (type === "zset" || type === "list" || type === "set")
        dumped.push(
          JSON.stringify(
            type === "zset"
              ? await test.redis.zrange(key, "0", "-1")
              : type === "list"
                ? await test.redis.lrange(key, 0, -1)
                : await test.redis.smembers(key),
          ),
        );
      if (type === "stream") dumped.push(JSON.stringify(await test.redis.xrange(key, "-", "+")));
    }
    expect(dumped.length).toBeGreaterThan(10);
    expect(containsSecret(dumped.join("\n"))).toEqual([]);
  });

  it("reach an origin only as its own scrape headers: never the predictor's or the Worker's token", () => {
    const scrapes = origin.seen.filter((r) => r.path === "/metrics");
    expect(scrapes.length).toBeGreaterThan(0);
    for (const scrape of scrapes) {
      expect(scrape.headers.authorization).toBe(`Bearer ${SECRETS.targetToken}`);
      expect(scrape.headers["x-api-key"]).toBe(SECRETS.targetKey);
    }
    const everything = JSON.stringify(origin.seen.map((r) => r.headers));
    expect(everything).not.toContain(SECRETS.predictorToken);
    expect(everything).not.toContain(SECRETS.workerToken);
    expect(everything).not.toContain(SECRETS.redirectedKey);
  });

  it("do not follow a scrape target's redirect to another origin", async () => {
    expect(elsewhere).toEqual([]);
    const [entry] = await test.redis.xrevrange(redisKeys(test.prefix).scrapeErrors, "+", "-", "COUNT", 1);
    expect(JSON.stringify(entry)).toMatch(/another origin, where this target's headers are not sent/);
  });

  it("give the Worker its token and the platform a signature, each only its own", () => {
    expect(admin.requests.length).toBeGreaterThan(0);
    for (const request of admin.requests)
      expect(request.headers.authorization).toBe(`Bearer ${SECRETS.workerToken}`);
    expect(containsSecret(JSON.stringify(admin.requests.map((r) => [r.headers, r.body])))).toEqual([
      SECRETS.workerToken,
    ]);
    expect(origin.calls.length).toBeGreaterThan(0);
    for (const call of origin.calls) {
      const [, t = "", mac = ""] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(call.signature ?? "") ?? [];
      expect(mac).toBe(createHmac("sha256", SECRETS.webhookSecret).update(`${t}.${call.body}`).digest("hex"));
      expect(containsSecret(call.body)).toEqual([]);
    }
    const hooks = origin.seen.filter((r) => r.path === "/hooks/scale");
    expect(hooks.every((r) => r.headers.authorization === undefined)).toBe(true);
  });
});
