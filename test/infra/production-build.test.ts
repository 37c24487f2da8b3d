// The production build: `npm run build`, then `npm ci --omit=dev` beside the bundles (the image's
// runtime stage), then the compiled predictor and scaler started with plain node answer /healthz.
// The commands are the image's own (infra/image/build-steps.ts; the Dockerfile runs exactly these).
import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMPILED_ENTRIES, IMAGE_BUILD_STEPS } from "../../infra/image/build-steps.ts";
import type { TestRedis } from "../support/redis.ts";
import { openTestRedis } from "../support/redis.ts";
import type { NodeProcess } from "./support/node-process.ts";
import { startNode } from "./support/node-process.ts";

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../..");
const pkg = JSON.parse(await readFile(path.join(ROOT, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** Runs one of the image's commands (`npm ...`) in `cwd`, with the npm of this Node. */
async function step(command: string, cwd: string): Promise<string> {
  const [program, ...args] = command.split(" ");
  expect(program).toBe("npm");
  const { stdout, stderr } = await run("npm", args, {
    cwd,
    env: { ...process.env, PATH: `${path.dirname(process.execPath)}:${process.env.PATH ?? ""}` },
    maxBuffer: 16 * 1024 * 1024,
    timeout: 240_000,
  });
  return stdout + stderr;
}

let app: string;
let redis: TestRedis;
const processes: NodeProcess[] = [];

beforeAll(async () => {
  // The build stage's first step, `npm ci`, is what made this checkout's node_modules.
  expect(IMAGE_BUILD_STEPS.build[0]).toBe("npm ci --no-audit --no-fund");
  await step(IMAGE_BUILD_STEPS.build[1], ROOT);
  app = await mkdtemp(path.join(tmpdir(), "headroom-image-"));
  for (const file of ["package.json", "package-lock.json"])
    await cp(path.join(ROOT, file), path.join(app, file));
  await cp(path.join(ROOT, "dist"), path.join(app, "dist"), { recursive: true });
  for (const command of IMAGE_BUILD_STEPS.runtime) await step(command, app);
  redis = await openTestRedis("build");
}, 300_000);

afterAll(async () => {
  for (const service of processes.splice(0)) await service.stop();
  await redis.cleanup();
  await rm(app, { recursive: true, force: true });
});

/** Fails unless the process runs plain node on a compiled file: no tsx anywhere in how it was
 * started (its command line and NODE_OPTIONS). */
async function expectNoTypeScriptLoader(pid: number, entry: string): Promise<void> {
  const cmdline = (await readFile(`/proc/${pid}/cmdline`, "utf8")).split("\0").filter(Boolean);
  expect(cmdline.slice(1, 2)).toEqual([entry]);
  expect(cmdline.join(" ")).not.toMatch(/tsx|\.ts\b/);
  const environ = (await readFile(`/proc/${pid}/environ`, "utf8")).split("\0");
  expect(environ.filter((line) => line.startsWith("NODE_OPTIONS="))).toEqual([]);
}

const baseEnv = () => ({ PATH: process.env.PATH ?? "", REDIS_URL: redis.url, HOME: app });

describe("the production build", () => {
  it("imports only runtime dependencies: every package the bundles name is one npm ci --omit=dev installs", async () => {
    const { packages } = JSON.parse(await readFile(path.join(ROOT, "dist/imports.json"), "utf8")) as {
      packages: Record<string, string[]>;
    };
    const runtime = { ...pkg.dependencies, ...pkg.optionalDependencies };
    expect(Object.keys(packages).length).toBeGreaterThan(5);
    for (const name of Object.keys(packages)) expect(runtime, name).toHaveProperty([name]);
    expect(Object.keys(packages)).not.toContain("esbuild");
  });

  it("starts the compiled predictor with plain node: /healthz answers 200, the dashboard is the prebuilt one", async () => {
    const models = path.join(app, "models");
    const predictor = startNode(
      [
        COMPILED_ENTRIES.predictor,
        "--port",
        "0",
        "--prefix",
        redis.prefix,
        "--model-dir",
        models,
        "--step",
        "60s",
      ],
      app,
      baseEnv(),
    );
    processes.push(predictor);
    const [, base] = await predictor.waitFor(/API on (http:\/\/127\.0\.0\.1:\d+)\/api\//, 60_000);
    expect(predictor.output()).toMatch(/TensorFlow\.js backend: (tensorflow|wasm);/);
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true, redis: "ready", roles: ["api", "worker", "scheduler"] });
    const page = await fetch(`${base}/dashboard.js`);
    expect(page.status).toBe(200);
    expect(await page.text()).toBe(await readFile(path.join(app, "dist/predictor/dashboard.js"), "utf8"));
    await expectNoTypeScriptLoader(predictor.pid, COMPILED_ENTRIES.predictor);
  });

  it("serves /healthz from a worker process on --health-port", async () => {
    const worker = startNode(
      [COMPILED_ENTRIES.predictor, "--roles", "worker", "--health-port", "0", "--prefix", redis.prefix],
      app,
      { ...baseEnv(), PREDICTOR_MODEL_DIR: path.join(app, "models") },
    );
    processes.push(worker);
    const [, base] = await worker.waitFor(/health on (http:\/\/127\.0\.0\.1:\d+)\/healthz/, 60_000);
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true, redis: "ready", roles: ["worker"] });
    expect((await fetch(`${base}/api/slos`)).status).toBe(404);
  });

  it("starts the compiled scaler with plain node: /healthz answers 200", async () => {
    const config = path.join(app, "scaler.yaml");
    await writeFile(
      config,
      'weights: { kind: worker-admin, url: "http://127.0.0.1:9" }\nintervalSeconds: 30\n',
    );
    const scaler = startNode([COMPILED_ENTRIES.scaler, "--config", config, "--metrics-port", "0"], app, {
      ...baseEnv(),
      REDIS_PREFIX: redis.prefix,
      SCALER_QUEUE: `${redis.prefix}-scaler`,
      LB_ADMIN_TOKEN: "build-test-token-0123456789",
    });
    processes.push(scaler);
    const [, base] = await scaler.waitFor(/metrics on (http:\/\/127\.0\.0\.1:\d+)\/metrics/, 60_000);
    await scaler.waitFor(/evaluating every 30 s/, 60_000);
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    await expectNoTypeScriptLoader(scaler.pid, COMPILED_ENTRIES.scaler);
  });
});
