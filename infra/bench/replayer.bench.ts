import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { cpus, loadavg } from "node:os";
import { seededRng } from "../../contracts/index.ts";
import { WORLD_CITIES } from "../replayer/cities.ts";
import { createClientMix } from "../replayer/client-mix.ts";
import { createHttpSender } from "../replayer/http-sender.ts";
import { RatePlan } from "../replayer/rate-plan.ts";
import { startReplay } from "../replayer/replayer.ts";
import { realScheduler } from "../simulator/scheduler.ts";
import type { Benchmark } from "./benchmark.ts";
import { headlineComment } from "./report.ts";
import { fillTemplate } from "./template.ts";

// The trivial origin runs in its own process so that only the replayer's CPU is measured here.
const ORIGIN_SCRIPT = `
const http = require("node:http");
const server = http.createServer((req, res) => {
  req.resume();
  if (req.url === "/__cpu") { const u = process.cpuUsage(); res.end(String(u.user + u.system)); return; }
  res.end("ok");
});
server.keepAliveTimeout = 30000;
server.listen(0, "127.0.0.1", () => { process.stdout.write(server.address().port + "\\n"); });
`;

async function startTrivialOrigin(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ["-e", ORIGIN_SCRIPT], { stdio: ["ignore", "pipe", "inherit"] });
  const [chunk] = (await once(child.stdout as NodeJS.ReadableStream, "data")) as [Buffer];
  return { url: `http://127.0.0.1:${chunk.toString("utf8").trim()}`, child };
}

type Step = {
  offered: number;
  achieved: number;
  failed: number;
  capped: number;
  cpuShare: number;
  originCpuShare: number;
  cpuUsPerRequest: number;
  p50: number;
  p99: number;
};

/** CPU microseconds the origin process has used so far. */
async function originCpuUs(url: string): Promise<number> {
  return Number(await (await fetch(`${url}/__cpu`)).text());
}

/** CPU share of one core that the replay logic alone (arrivals, client picks, counters) takes at
 * `offered` rps, with a sender that does no I/O. */
async function measureLogicOnly(offered: number, seconds: number): Promise<number> {
  const t0 = Date.UTC(2026, 0, 5);
  const plan = new RatePlan(
    [
      { t: t0, value: 1 },
      { t: t0 + 86_400_000, value: 1 },
    ],
    { speed: 60, peakRps: offered, startAt: t0, durationMs: seconds * 1000, loop: false },
  );
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  const replay = startReplay({
    plan,
    mix: createClientMix(WORLD_CITIES, { followSun: true }),
    send: () => Promise.resolve({ ok: true, status: 200, latencyMs: 1 }),
    scheduler: realScheduler(),
    rng: seededRng(offered),
    concurrency: 1024,
  });
  const keepAlive = setInterval(() => undefined, 1000);
  await replay.done;
  clearInterval(keepAlive);
  const cpu = process.cpuUsage(cpuBefore);
  return (cpu.user + cpu.system) / 1000 / (performance.now() - wallBefore);
}

async function measure(url: string, offered: number, seconds: number): Promise<Step> {
  const sender = createHttpSender({ target: url, connections: 256, timeoutMs: 10_000 });
  const t0 = Date.UTC(2026, 0, 5);
  const flat = [
    { t: t0, value: 1 },
    { t: t0 + 86_400_000, value: 1 },
  ];
  const plan = new RatePlan(flat, {
    speed: 60,
    peakRps: offered,
    startAt: t0,
    durationMs: seconds * 1000,
    loop: false,
  });
  const originBefore = await originCpuUs(url);
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  const replay = startReplay({
    plan,
    mix: createClientMix(WORLD_CITIES, { followSun: true }),
    send: sender,
    scheduler: realScheduler(),
    rng: seededRng(offered),
    concurrency: 1024,
  });
  const keepAlive = setInterval(() => undefined, 1000);
  const summary = await replay.done;
  clearInterval(keepAlive);
  const wallMs = performance.now() - wallBefore;
  const cpu = process.cpuUsage(cpuBefore);
  const originUs = (await originCpuUs(url)) - originBefore;
  await sender.close();
  const cpuUs = cpu.user + cpu.system;
  return {
    offered,
    achieved: summary.ok / (wallMs / 1000),
    failed: summary.failed - summary.failures.capped,
    capped: summary.failures.capped,
    cpuShare: cpuUs / 1000 / wallMs,
    originCpuShare: originUs / 1000 / wallMs,
    cpuUsPerRequest: cpuUs / Math.max(1, summary.sent),
    p50: summary.latency.p50,
    p99: summary.latency.p99,
  };
}

const bench: Benchmark = {
  name: "replayer",
  title: "Traffic replayer: sustained rate and CPU cost",
  async run(context) {
    const quick = context.quick;
    const seconds = quick ? 3 : 6;
    const rates = quick ? [250, 1000, 2000] : [250, 500, 1000, 2000, 4000, 6000, 8000];
    const origin = await startTrivialOrigin();
    const steps: Step[] = [];
    try {
      // Warm the JIT and the connection pool first, so the first reported step is not penalised.
      await measure(origin.url, 500, 1);
      for (const rate of rates) {
        const step = await measure(origin.url, rate, seconds);
        context.log(
          `${rate} rps offered: ${step.achieved.toFixed(0)} ok/s, replayer CPU ${(step.cpuShare * 100).toFixed(0)} %, origin CPU ${(step.originCpuShare * 100).toFixed(0)} % of a core`,
        );
        steps.push(step);
      }
    } finally {
      origin.child.kill();
    }
    const logicRate = 2000;
    const logicShare = await measureLogicOnly(logicRate, seconds);
    // "Kept up": at least 97 % of the offered rate answered (Poisson counts vary by a few %), nothing dropped or failed.
    const keptUp = (s: Step): boolean =>
      s.achieved >= 0.97 * s.offered * (1 - 3 / Math.sqrt(s.offered * seconds)) &&
      s.failed === 0 &&
      s.capped === 0;
    // The sustained rate is the top of the unbroken run of passing steps from the lowest rate.
    const firstMiss = steps.findIndex((s) => !keptUp(s));
    const best = (firstMiss < 0 ? steps : steps.slice(0, firstMiss)).at(-1);
    const misses = steps
      .filter((s) => !keptUp(s))
      .map((s) => `${s.offered} rps (${s.capped} capped, ${s.failed} failed, p99 ${s.p99} ms)`);
    const percent = (share: number) => (share * 100).toFixed(0);
    const rows = steps.map((s) => {
      const cells = [s.offered, s.achieved.toFixed(0), s.failed, s.capped, `${percent(s.cpuShare)} %`];
      cells.push(`${s.cpuUsPerRequest.toFixed(0)} µs`, `${percent(s.originCpuShare)} %`, s.p50, s.p99);
      return `| ${cells.join(" | ")} |`;
    });
    // The stack's replay peaks at 250 rps (npm start's --peak-rps): the replayer must carry it.
    const stackPeak = 250;
    const load = loadavg()[0] ?? 0;
    const lowest = steps[0];
    return [
      fillTemplate("replayer-setup", { seconds }),
      "",
      "| offered rps | answered/s | failed | capped | replayer CPU | replayer CPU per request | origin CPU | p50 ms | p99 ms |",
      "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
      ...rows,
      "",
      best
        ? fillTemplate("replayer-best", {
            rps: best.offered,
            cpu: percent(best.cpuShare),
            cpuPerRequest: best.cpuUsPerRequest.toFixed(0),
          })
        : "The replayer did not keep up with any offered rate on this run.",
      headlineComment({
        figure: `${best ? best.offered : 0} rps sustained without a failure or a dropped arrival`,
        target: `at least the local stack's peak of ${stackPeak} rps`,
        met: (best?.offered ?? 0) >= stackPeak,
      }),
      misses.length > 0 ? fillTemplate("replayer-misses", { misses: misses.join("; ") }) : "",
      "",
      lowest && best
        ? fillTemplate("replayer-cpu", {
            lowCpu: percent(lowest.cpuShare),
            lowRps: lowest.offered,
            highCpu: percent(best.cpuShare),
            highRps: best.offered,
            logicCpu: (logicShare * 100).toFixed(1),
            logicRps: logicRate,
          })
        : "",
      "",
      `Machine load average (1 min) at the end: ${load.toFixed(1)} on ${cpus().length} cores.`,
    ].join("\n");
  },
};

export default bench;
