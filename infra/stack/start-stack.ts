import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { stripVTControlCharacters } from "node:util";
import { Redis } from "ioredis";
import type { OriginTable } from "../../contracts/index.ts";
import { seededRng } from "../../contracts/index.ts";
import type { Fleet } from "../simulator/fleet.ts";
import { startFleet } from "../simulator/fleet.ts";
import { realScheduler } from "../simulator/scheduler.ts";
import { forkRng } from "../traces/random-variates.ts";
import { startEdgeDev } from "./edge-dev.ts";
import { startEdgeWorkerd } from "./edge-workerd.ts";
import { predictorTargets, scalerConfig, SCALER_SECRET_ENV, seededSlos } from "./generated-config.ts";
import { assertPortsFree, freePort, freePortPair } from "./ports.ts";
import type { PortClaim } from "./ports.ts";
import { ensureRedis } from "./redis.ts";
import { seedHistory } from "./seed-history.ts";
import { seedSlos } from "./seed-slos.ts";
import type { ServiceProcess } from "./service-process.ts";
import { describeExit, startService, waitForHttp } from "./service-process.ts";
import { StackConfigError, waitForScalerSchedule } from "./stack-checks.ts";
import type { StackSettings, StackSettingsInput } from "./stack-options.ts";
import { resolveStackSettings } from "./stack-options.ts";
import { clearStackData, scalerQueueName } from "./stack-redis.ts";
import { bundleWorker } from "./worker-bundle.ts";
import type { Traffic } from "./traffic.ts";
import { planTraffic, startTraffic } from "./traffic.ts";

/** The parts of the stack, in start order. */
export const STACK_PARTS = ["redis", "origins", "edge", "traffic", "predictor", "scaler"] as const;
export type StackPart = (typeof STACK_PARTS)[number];

/** Observers of a starting and running stack. */
export type StackHooks = {
  /** Called once per part when it is up, with a one-line description and how long it took. */
  onReady?: (part: StackPart, detail: string, elapsedMs: number) => void;
  /** Every line a part writes while it runs (the predictor's, the scaler's and wrangler's logs),
   * and the stack's own notes ("stack"). */
  log?: (part: StackPart | "stack", line: string) => void;
  /** Every application request an origin receives (an observation hook for tests). */
  onArrival?: (originId: string, path: string) => void;
  /** Aborting it stops a start in progress: what has started is stopped and the start rejects. */
  signal?: AbortSignal;
};

/** Options of `startStack`: the settings (README, `npm start`) and the observers. */
export type StackOptions = StackSettingsInput & StackHooks;

/** A running stack: where to look, the token for writes, its parts, and how to stop it. */
export type RunningStack = {
  urls: { dashboard: string; api: string; edge: string; edgeStatus: string; scaler: string; redis: string };
  /** Bearer token of the Worker's admin API and of the predictor's writes (SLO editing). */
  adminToken: string;
  /** Prefix of the stack's Redis keys. */
  prefix: string;
  settings: StackSettings & { prefix: string };
  table: OriginTable;
  /** The simulated origins, running in this process (their state can be read directly). */
  fleet: Fleet;
  traffic: Traffic;
  /** Process ids of the child processes (each leads its own process group). */
  pids(): number[];
  /** Milliseconds each part took to come up. */
  timings: Partial<Record<StackPart, number>>;
  /** Resolves with the reason if a part dies while the stack runs (never once stop() began). */
  failure: Promise<Error>;
  /** Stops every part (traffic first, then the services, the Worker, the origins, Redis if it
   * was started for the stack) and removes the stack's temporary files. Idempotent. */
  stop(): Promise<void>;
};

const randomToken = (): string => randomBytes(18).toString("base64url");

/**
 * Starts the whole local stack: Redis (started if installed and not running), the origin
 * simulator fleet, the Worker (in workerd through Miniflare, or under wrangler dev) with the
 * fleet's table, the demo traffic with its compressed history written for the predictor, the
 * predictor and the scaler (act mode, an SLO per pool). Invalid settings and taken ports fail before anything starts; a failure later
 * stops what was started.
 */
export async function startStack(options: StackOptions = {}): Promise<RunningStack> {
  const { onReady, log, onArrival, signal, ...input } = options;
  const resolved = resolveStackSettings(input);
  if (!resolved.ok) throw new StackConfigError(resolved.issues);
  const ownPrefix = resolved.value.prefix === undefined;
  const settings = {
    ...resolved.value,
    prefix: resolved.value.prefix ?? `headroom-${randomBytes(4).toString("hex")}`,
  };
  const adminToken = settings.adminToken ?? randomToken();
  const simulatorToken = randomToken();
  const host = "127.0.0.1";
  const traffic = await planTraffic(settings);

  const wranglerDev = settings.edgeRuntime === "wrangler-dev";
  const edgePort =
    settings.edgePort !== 0
      ? settings.edgePort
      : wranglerDev
        ? await freePortPair(host, 10_000)
        : await freePort(host);
  const predictorPort = settings.predictorPort === 0 ? await freePort(host) : settings.predictorPort;
  const scalerPort = settings.scalerPort === 0 ? await freePort(host) : settings.scalerPort;
  const claims: PortClaim[] = [
    { port: edgePort, what: "the Worker", setting: "--edge-port / HEADROOM_EDGE_PORT" },
    ...(wranglerDev
      ? [
          {
            port: edgePort + 10_000,
            what: "wrangler dev's inspector, at the Worker's port + 10000",
            setting: "--edge-port / HEADROOM_EDGE_PORT",
          },
        ]
      : []),
    {
      port: predictorPort,
      what: "the predictor's API and dashboard",
      setting: "--predictor-port / HEADROOM_PREDICTOR_PORT",
    },
    {
      port: scalerPort,
      what: "the scaler's metrics and health",
      setting: "--scaler-port / HEADROOM_SCALER_PORT",
    },
    ...(settings.edgeInspectorPort !== undefined && !wranglerDev
      ? [
          {
            port: settings.edgeInspectorPort,
            what: "the Worker's V8 inspector",
            setting: "--edge-inspector-port / HEADROOM_EDGE_INSPECTOR_PORT",
          },
        ]
      : []),
  ];
  if (settings.fleet.basePort !== 0)
    settings.origins.forEach((origin, i) =>
      claims.push({
        port: settings.fleet.basePort + i,
        what: `origin ${origin.id}`,
        setting: "--origin-base-port / HEADROOM_ORIGIN_BASE_PORT",
      }),
    );
  await assertPortsFree(claims, host);

  const undo: (() => Promise<unknown>)[] = [];
  const services: ServiceProcess[] = [];
  const timings: Partial<Record<StackPart, number>> = {};
  const ready = (part: StackPart, started: number, detail: string): void => {
    timings[part] = performance.now() - started;
    onReady?.(part, detail, timings[part]);
  };
  const checkAborted = (): void => {
    if (signal?.aborted === true) throw new Error("the start was interrupted");
  };
  let stopping = false;
  let reportFailure: (error: Error) => void = () => undefined;
  const failure = new Promise<Error>((resolve) => {
    reportFailure = resolve;
  });
  const stopAll = async (): Promise<void> => {
    stopping = true;
    for (const step of undo.splice(0).reverse())
      await step().catch((error: unknown) => {
        log?.("stack", `while stopping: ${error instanceof Error ? error.message : String(error)}`);
      });
  };

  try {
    let t = performance.now();
    const redisHandle = await ensureRedis({ url: settings.redisUrl });
    undo.push(() => redisHandle.stop());
    const redis = new Redis(settings.redisUrl, { maxRetriesPerRequest: null });
    undo.push(async () => {
      // A prefix made up for this run holds nothing anyone can come back to.
      if (ownPrefix) await clearStackData(redis, settings.prefix);
      redis.disconnect();
    });
    const cleared = await clearStackData(redis, settings.prefix);
    ready(
      "redis",
      t,
      `${settings.redisUrl} (${redisHandle.started ? "started for this session, no persistence" : "already running"}; keys under "${settings.prefix}:"${cleared > 0 ? `, ${cleared} left by an earlier run cleared` : ""})`,
    );
    checkAborted();

    t = performance.now();
    const fleet = await startFleet(settings.fleet, {
      scheduler: realScheduler(),
      rng: seededRng(settings.seed),
      controlToken: simulatorToken,
      ...(onArrival ? { onArrival } : {}),
      log: (line) => log?.("origins", line),
    });
    undo.push(() => fleet.stop());
    ready(
      "origins",
      t,
      `${fleet.origins.length} simulated origins in ${settings.fleet.pools.length} pools (${settings.fleet.pools.map((pool) => pool.name).join(", ")}) on ${fleet.origins[0]?.url ?? "?"}..${fleet.origins[fleet.origins.length - 1]?.port ?? "?"}, boot delay ${settings.bootDelaySeconds} s`,
    );

    const work = await mkdtemp(path.join(tmpdir(), "headroom-stack-"));
    undo.push(() => rm(work, { recursive: true, force: true }));

    t = performance.now();
    const script = await bundleWorker(path.join(work, "worker"));
    const edgeOptions = {
      port: edgePort,
      adminToken,
      table: fleet.table,
      healthCheckEveryMs: settings.healthCheckSeconds * 1000,
      script,
      log: (line: string) => log?.("edge", stripVTControlCharacters(line)),
    };
    const edge = wranglerDev
      ? await startEdgeDev({ ...edgeOptions, ...(signal ? { signal } : {}) })
      : await startEdgeWorkerd({
          ...edgeOptions,
          ...(settings.edgeInspectorPort !== undefined ? { inspectorPort: settings.edgeInspectorPort } : {}),
        });
    const runtime = wranglerDev ? "wrangler dev" : "workerd (Miniflare, wrangler.toml [env.dev])";
    undo.push(() => edge.stop());
    void edge.exited.then((status) => {
      if (!stopping)
        reportFailure(
          new Error(
            `the Worker (${runtime}) exited unexpectedly (${describeExit(status)}); its output is above`,
          ),
        );
    });
    ready(
      "edge",
      t,
      `the Worker (edge/ as of now) in ${runtime} on ${edge.url}, origin table seeded, health checks every ${settings.healthCheckSeconds} s`,
    );
    checkAborted();

    const targetsFile = path.join(work, "targets.json");
    const scalerFile = path.join(work, "scaler.json");
    await writeFile(
      targetsFile,
      JSON.stringify(predictorTargets(fleet.table, settings.stepSeconds), null, 2),
    );
    await writeFile(scalerFile, JSON.stringify(scalerConfig(settings.origins, edge.url, settings), null, 2));

    // The compressed past of the traffic ends now; the traffic resumes from there once written.
    t = performance.now();
    const historyEnd = Date.now();
    const history =
      settings.backfillSeconds > 0
        ? await seedHistory({
            redis,
            prefix: settings.prefix,
            stepSeconds: settings.stepSeconds,
            retentionSeconds: settings.retentionSeconds,
            historySeconds: settings.backfillSeconds,
            traffic,
            table: fleet.table,
            origins: settings.origins,
            endAt: historyEnd,
            rng: forkRng(seededRng(settings.seed + 1)),
          })
        : null;
    const running = startTraffic(traffic, edge.url, settings, historyEnd, (line) => log?.("traffic", line));
    undo.push(() => running.stop());
    const plan = running.plan.options;
    ready(
      "traffic",
      t,
      `${traffic.description}: from ${new Date(plan.startAt).toISOString().slice(0, 16).replace("T", " ")} UTC at ${plan.speed}x (a trace day every ${formatDuration(86_400 / plan.speed)}), peak ${plan.peakRps} rps, clients on every continent${history ? `; ${history.pointsPerOrigin} steps of history per origin written (${formatDuration(settings.backfillSeconds)} real, ${formatDuration(settings.backfillSeconds * plan.speed)} of trace)` : ""}`,
    );

    const apiUrl = `http://${host}:${predictorPort}/api`;
    const queue = scalerQueueName(settings.prefix);
    const watch = (service: ServiceProcess, part: StackPart): void => {
      services.push(service);
      undo.push(() => service.stop());
      void service.exited.then((status) => {
        if (!stopping)
          reportFailure(
            new Error(
              `the ${part} exited unexpectedly (${describeExit(status)}); its last output:\n  ${service.recentOutput().slice(-8).join("\n  ")}`,
            ),
          );
      });
    };
    t = performance.now();
    const predictor = startService({
      name: "the predictor",
      script: "predictor/main.ts",
      args: [],
      onLine: (line) => log?.("predictor", line),
      env: {
        REDIS_URL: settings.redisUrl,
        PREDICTOR_PREFIX: settings.prefix,
        PREDICTOR_STEP: `${settings.stepSeconds}s`,
        PREDICTOR_RETENTION: `${settings.retentionSeconds}s`,
        PREDICTOR_TARGETS: targetsFile,
        PREDICTOR_ADMIN_TOKEN: adminToken,
        PREDICTOR_HOST: host,
        PREDICTOR_PORT: String(predictorPort),
        PREDICTOR_MODEL_DIR: path.join(work, "models"),
        PREDICTOR_RETRAIN_INTERVAL: `${settings.retrainIntervalSeconds}s`,
        PREDICTOR_HORIZON: String(settings.horizonSteps),
        PREDICTOR_MODELS: settings.models.join(","),
        PREDICTOR_LSTM_EPOCHS: settings.lstmEpochs !== undefined ? String(settings.lstmEpochs) : "",
        PREDICTOR_EDGE_URL: edge.url,
        PREDICTOR_EDGE_TOKEN: adminToken,
      },
    });
    watch(predictor, "predictor");
    const scalerStarted = performance.now();
    const scaler = startService({
      name: "the scaler",
      script: "scaler/main.ts",
      args: ["--config", scalerFile],
      onLine: (line) => log?.("scaler", line),
      env: {
        REDIS_URL: settings.redisUrl,
        REDIS_PREFIX: settings.prefix,
        SCALER_QUEUE: queue,
        SCALER_METRICS_HOST: host,
        SCALER_METRICS_PORT: String(scalerPort),
        [SCALER_SECRET_ENV.edgeToken]: adminToken,
        [SCALER_SECRET_ENV.simulatorToken]: simulatorToken,
      },
    });
    watch(scaler, "scaler");
    await waitForHttp(`${apiUrl}/healthz`, predictor, 90_000);
    const slos = seededSlos(fleet.table, settings.slo);
    await seedSlos(apiUrl, adminToken, slos);
    ready(
      "predictor",
      t,
      `scraping ${fleet.origins.length} origins every ${settings.stepSeconds} s, forecasting ${settings.horizonSteps} steps (${formatDuration(settings.horizonSteps * settings.stepSeconds)}) ahead with ${settings.models.join(", ")}; API on ${apiUrl}/`,
    );
    checkAborted();
    await waitForScalerSchedule(redis, queue, scaler, 60_000);
    ready(
      "scaler",
      scalerStarted,
      `act mode on every pool: target ${Math.round(settings.slo.targetUtilization * 100)} % utilisation, lead ${settings.slo.leadSeconds} s, p95 ${settings.slo.p95LatencyMs} ms, scale-in cooldown ${settings.slo.scaleInCooldownSeconds} s; evaluating every ${settings.scalerIntervalSeconds} s`,
    );
    checkAborted();

    const dashboard = `http://${host}:${predictorPort}/`;
    return {
      urls: {
        dashboard,
        api: `${apiUrl}/`,
        edge: edge.url,
        edgeStatus: `${edge.url}/__lb/status`,
        scaler: `http://${host}:${scalerPort}/metrics`,
        redis: settings.redisUrl,
      },
      adminToken,
      prefix: settings.prefix,
      settings,
      table: fleet.table,
      fleet,
      traffic: running,
      pids: () => [edge.pid, ...services.map((service) => service.pid)],
      timings,
      failure,
      stop: (() => {
        let stopped: Promise<void> | null = null;
        return () => (stopped ??= stopAll());
      })(),
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** "90 s", "24 min", "2.8 h", "5 days". */
export function formatDuration(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7_200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${Number((seconds / 3_600).toFixed(1))} h`;
  return `${Number((seconds / 86_400).toFixed(1))} days`;
}
