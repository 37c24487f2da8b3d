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
import type { EdgeDev } from "./edge-dev.ts";
import { startEdgeDev } from "./edge-dev.ts";
import { startEdgeWorkerd } from "./edge-workerd.ts";
import { predictorTargets, scalerConfig, seededSlos } from "./generated-config.ts";
import { ensureRedis } from "./redis.ts";
import { seedHistory } from "./seed-history.ts";
import { seedSlos } from "./seed-slos.ts";
import type { ServiceProcess } from "./service-process.ts";
import { describeExit, waitForHttp } from "./service-process.ts";
import { StackConfigError, waitForScalerSchedule } from "./stack-checks.ts";
import type { StackPart } from "./stack-lifecycle.ts";
import { StackLifecycle } from "./stack-lifecycle.ts";
import type { StackSettings, StackSettingsInput } from "./stack-options.ts";
import { resolveStackSettings } from "./stack-options.ts";
import type { StackPorts } from "./stack-ports.ts";
import { claimStackPorts } from "./stack-ports.ts";
import { clearStackData, scalerQueueName } from "./stack-redis.ts";
import type { ServiceInputs } from "./stack-services.ts";
import {
  LSTM_DEMO_METRICS,
  startLstmTrainer,
  startPredictor,
  startScaler,
  trainsLstm,
} from "./stack-services.ts";
import { bundleWorker } from "./worker-bundle.ts";
import type { Traffic, TrafficPlan } from "./traffic.ts";
import { planTraffic, startTraffic } from "./traffic.ts";

export { STACK_PARTS } from "./stack-lifecycle.ts";
export type { StackPart } from "./stack-lifecycle.ts";

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

/** Options of `startStack`: the settings (docs/local-stack.md) and the observers. */
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

const HOST = "127.0.0.1";

/** The settings with the stack's prefix and secrets settled. */
type Resolved = {
  settings: StackSettings & { prefix: string };
  /** True when the prefix was made up for this run (its keys are deleted at stop). */
  ownPrefix: boolean;
  adminToken: string;
  simulatorToken: string;
};

/** What each phase gets: the settings, the lifecycle that stops what it starts, the log. */
type Phase = Resolved & { lifecycle: StackLifecycle; log: (part: StackPart | "stack", line: string) => void };

/**
 * Starts the whole local stack: Redis (started if installed and not running), the origin
 * simulator fleet, the Worker (in workerd through Miniflare, or under wrangler dev) with the
 * fleet's table, the demo traffic with its compressed history written for the predictor, the
 * predictor and the scaler (act mode, an SLO per pool). Invalid settings and taken ports fail
 * before anything starts; a failure later stops what was started.
 */
export async function startStack(options: StackOptions = {}): Promise<RunningStack> {
  const { onReady, log, onArrival, signal, ...input } = options;
  const resolved = resolveSettings(input);
  const traffic = await planTraffic(resolved.settings);
  const ports = await claimStackPorts(resolved.settings, HOST);
  const lifecycle = new StackLifecycle({
    ...(onReady ? { onReady } : {}),
    ...(log ? { log } : {}),
    ...(signal ? { signal } : {}),
  });
  const phase: Phase = { ...resolved, lifecycle, log: (part, line) => log?.(part, line) };
  try {
    const redis = await startRedis(phase);
    lifecycle.checkAborted();
    const fleet = await startOrigins(phase, onArrival);
    const work = await mkdtemp(path.join(tmpdir(), "headroom-stack-"));
    lifecycle.onStop(() => rm(work, { recursive: true, force: true }));
    const edge = await startEdge(phase, { work, port: ports.edge, fleet, ...(signal ? { signal } : {}) });
    lifecycle.checkAborted();
    const files = await writeServiceFiles(phase, work, fleet, edge.url);
    const running = await startDemoTraffic(phase, { redis, traffic, fleet, edgeUrl: edge.url });
    const services = await startServices(phase, redis, fleet, {
      settings: resolved.settings,
      host: HOST,
      ports,
      work,
      ...files,
      edgeUrl: edge.url,
      adminToken: resolved.adminToken,
      simulatorToken: resolved.simulatorToken,
      scalerQueue: scalerQueueName(resolved.settings.prefix),
      log: phase.log,
    });
    return runningStack(phase, { ports, fleet, edge, traffic: running, services });
  } catch (error) {
    await lifecycle.stop();
    throw error;
  }
}

/** Validates the settings (throwing every problem) and settles the prefix and the tokens. */
function resolveSettings(input: StackSettingsInput): Resolved {
  const resolved = resolveStackSettings(input);
  if (!resolved.ok) throw new StackConfigError(resolved.issues);
  const settings = {
    ...resolved.value,
    prefix: resolved.value.prefix ?? `headroom-${randomBytes(4).toString("hex")}`,
  };
  return {
    settings,
    ownPrefix: resolved.value.prefix === undefined,
    adminToken: settings.adminToken ?? randomToken(),
    simulatorToken: randomToken(),
  };
}

/** Redis (started if installed and not running), with the keys of an earlier run under the
 * stack's prefix cleared. */
async function startRedis(phase: Phase): Promise<Redis> {
  const { settings, lifecycle } = phase;
  const t = performance.now();
  const redisHandle = await ensureRedis({ url: settings.redisUrl });
  lifecycle.onStop(() => redisHandle.stop());
  const redis = new Redis(settings.redisUrl, { maxRetriesPerRequest: null });
  lifecycle.onStop(async () => {
    // A prefix made up for this run holds nothing anyone can come back to.
    if (phase.ownPrefix) await clearStackData(redis, settings.prefix);
    redis.disconnect();
  });
  const cleared = await clearStackData(redis, settings.prefix);
  lifecycle.ready(
    "redis",
    t,
    `${settings.redisUrl} (${redisHandle.started ? "started for this session, no persistence" : "already running"}; keys under "${settings.prefix}:"${cleared > 0 ? `, ${cleared} left by an earlier run cleared` : ""})`,
  );
  return redis;
}

/** The simulated origin fleet, in this process. */
async function startOrigins(phase: Phase, onArrival: StackHooks["onArrival"]): Promise<Fleet> {
  const { settings } = phase;
  const t = performance.now();
  const fleet = await startFleet(settings.fleet, {
    scheduler: realScheduler(),
    rng: seededRng(settings.seed),
    controlToken: phase.simulatorToken,
    ...(onArrival ? { onArrival } : {}),
    log: (line) => {
      phase.log("origins", line);
    },
  });
  phase.lifecycle.onStop(() => fleet.stop());
  phase.lifecycle.ready(
    "origins",
    t,
    `${fleet.origins.length} simulated origins in ${settings.fleet.pools.length} pools (${settings.fleet.pools.map((pool) => pool.name).join(", ")}) on ${fleet.origins[0]?.url ?? "?"}..${fleet.origins[fleet.origins.length - 1]?.port ?? "?"}, boot delay ${settings.bootDelaySeconds} s`,
  );
  return fleet;
}

/** The Worker, bundled from edge/ as it is now, in workerd (or wrangler dev) with the fleet's table. */
async function startEdge(
  phase: Phase,
  where: { work: string; port: number; fleet: Fleet; signal?: AbortSignal },
): Promise<EdgeDev> {
  const { settings, lifecycle } = phase;
  const wranglerDev = settings.edgeRuntime === "wrangler-dev";
  const t = performance.now();
  const script = await bundleWorker(path.join(where.work, "worker"));
  const edgeOptions = {
    port: where.port,
    adminToken: phase.adminToken,
    table: where.fleet.table,
    healthCheckEveryMs: settings.healthCheckSeconds * 1000,
    script,
    log: (line: string) => {
      phase.log("edge", stripVTControlCharacters(line));
    },
  };
  const edge = wranglerDev
    ? await startEdgeDev({ ...edgeOptions, ...(where.signal ? { signal: where.signal } : {}) })
    : await startEdgeWorkerd({
        ...edgeOptions,
        ...(settings.edgeInspectorPort !== undefined ? { inspectorPort: settings.edgeInspectorPort } : {}),
      });
  const runtime = wranglerDev ? "wrangler dev" : "workerd (Miniflare, wrangler.toml [env.dev])";
  lifecycle.onStop(() => edge.stop());
  lifecycle.watchExit(
    edge.exited,
    (status) => `the Worker (${runtime}) exited unexpectedly (${describeExit(status)}); its output is above`,
  );
  lifecycle.ready(
    "edge",
    t,
    `the Worker (edge/ as of now) in ${runtime} on ${edge.url}, origin table seeded, health checks every ${settings.healthCheckSeconds} s`,
  );
  return edge;
}

/** The predictor's targets file and the scaler's configuration file, generated from the fleet. */
async function writeServiceFiles(
  phase: Phase,
  work: string,
  fleet: Fleet,
  edgeUrl: string,
): Promise<{ targetsFile: string; scalerFile: string }> {
  const { settings } = phase;
  const targetsFile = path.join(work, "targets.json");
  const scalerFile = path.join(work, "scaler.json");
  await writeFile(targetsFile, JSON.stringify(predictorTargets(fleet.table, settings.stepSeconds), null, 2));
  await writeFile(scalerFile, JSON.stringify(scalerConfig(settings.origins, edgeUrl, settings), null, 2));
  return { targetsFile, scalerFile };
}

/** Writes the traffic's compressed past as the predictor's history, then replays the trace from
 * there through the Worker. */
async function startDemoTraffic(
  phase: Phase,
  inputs: { redis: Redis; traffic: TrafficPlan; fleet: Fleet; edgeUrl: string },
): Promise<Traffic> {
  const { settings } = phase;
  const t = performance.now();
  // The compressed past of the traffic ends now; the traffic resumes from there once written.
  const historyEnd = Date.now();
  const history =
    settings.backfillSeconds > 0
      ? await seedHistory({
          redis: inputs.redis,
          prefix: settings.prefix,
          stepSeconds: settings.stepSeconds,
          retentionSeconds: settings.retentionSeconds,
          historySeconds: settings.backfillSeconds,
          traffic: inputs.traffic,
          table: inputs.fleet.table,
          origins: settings.origins,
          endAt: historyEnd,
          rng: forkRng(seededRng(settings.seed + 1)),
        })
      : null;
  const running = startTraffic(inputs.traffic, inputs.edgeUrl, settings, historyEnd, (line) => {
    phase.log("traffic", line);
  });
  phase.lifecycle.onStop(() => running.stop());
  const plan = running.plan.options;
  phase.lifecycle.ready(
    "traffic",
    t,
    `${inputs.traffic.description}: from ${new Date(plan.startAt).toISOString().slice(0, 16).replace("T", " ")} UTC at ${plan.speed}x (a trace day every ${formatDuration(86_400 / plan.speed)}), peak ${plan.peakRps} rps, clients on every continent${history ? `; ${history.pointsPerOrigin} steps of history per origin written (${formatDuration(settings.backfillSeconds)} real, ${formatDuration(settings.backfillSeconds * plan.speed)} of trace)` : ""}`,
  );
  return running;
}

/** Starts the predictor, waits for its API and seeds an SLO per pool through it, then starts the
 * scaler and waits for its schedule: a scaler started first would evaluate pools with no SLO yet
 * and rightly say so, a warning the demo must not print. */
async function startServices(
  phase: Phase,
  redis: Redis,
  fleet: Fleet,
  inputs: ServiceInputs,
): Promise<ServiceProcess[]> {
  const { settings, lifecycle } = phase;
  const apiUrl = `http://${HOST}:${inputs.ports.predictor}/api`;
  const t = performance.now();
  const predictor = startPredictor(lifecycle, inputs);
  const lstm = trainsLstm(settings) ? [startLstmTrainer(lifecycle, inputs)] : [];
  await waitForHttp(`${apiUrl}/healthz`, predictor, 90_000);
  await seedSlos(apiUrl, phase.adminToken, seededSlos(fleet.table, settings.slo));
  const scalerStarted = performance.now();
  const scaler = startScaler(lifecycle, inputs);
  lifecycle.ready(
    "predictor",
    t,
    `scraping ${fleet.origins.length} origins every ${settings.stepSeconds} s, forecasting ${settings.horizonSteps} steps (${formatDuration(settings.horizonSteps * settings.stepSeconds)}) ahead with ${settings.models.join(", ")}${trainsLstm(settings) ? ` (the LSTM for the ${LSTM_DEMO_METRICS.join(", ")} series in a process of its own, at a lower priority)` : ""}; API on ${apiUrl}/`,
  );
  lifecycle.checkAborted();
  await waitForScalerSchedule(redis, inputs.scalerQueue, scaler, 60_000);
  lifecycle.ready(
    "scaler",
    scalerStarted,
    `act mode on every pool: target ${Math.round(settings.slo.targetUtilization * 100)} % utilisation, lead ${settings.slo.leadSeconds} s, p95 ${settings.slo.p95LatencyMs} ms, scale-in cooldown ${settings.slo.scaleInCooldownSeconds} s; evaluating every ${settings.scalerIntervalSeconds} s`,
  );
  lifecycle.checkAborted();
  return [predictor, scaler, ...lstm];
}

/** The started stack as its caller sees it: where to look, its parts, how to stop it. */
function runningStack(
  phase: Phase,
  parts: { ports: StackPorts; fleet: Fleet; edge: EdgeDev; traffic: Traffic; services: ServiceProcess[] },
): RunningStack {
  const { settings, lifecycle } = phase;
  const { edge, ports } = parts;
  const apiUrl = `http://${HOST}:${ports.predictor}/api`;
  let stopped: Promise<void> | null = null;
  return {
    urls: {
      dashboard: `http://${HOST}:${ports.predictor}/`,
      api: `${apiUrl}/`,
      edge: edge.url,
      edgeStatus: `${edge.url}/__lb/status`,
      scaler: `http://${HOST}:${ports.scaler}/metrics`,
      redis: settings.redisUrl,
    },
    adminToken: phase.adminToken,
    prefix: settings.prefix,
    settings,
    table: parts.fleet.table,
    fleet: parts.fleet,
    traffic: parts.traffic,
    pids: () => [edge.pid, ...parts.services.map((service) => service.pid)],
    timings: lifecycle.timings,
    failure: lifecycle.failure,
    stop: () => (stopped ??= lifecycle.stop()),
  };
}

/** "90 s", "24 min", "2.8 h", "5 days". */
export function formatDuration(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7_200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${Number((seconds / 3_600).toFixed(1))} h`;
  return `${Number((seconds / 86_400).toFixed(1))} days`;
}
