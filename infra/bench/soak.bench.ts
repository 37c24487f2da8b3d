import { readFile } from "node:fs/promises";
import type { TracePoint } from "../../contracts/index.ts";
import type { RunningStack } from "../stack/start-stack.ts";
import { startStack } from "../stack/start-stack.ts";
import type { Benchmark } from "./benchmark.ts";
import { freePort } from "./edge/free-port.ts";
import { descendantsOf } from "./edge/process-cpu.ts";
import { isolateHeapMiB, rssMiB, slope } from "./soak/memory-probes.ts";

// Ten minutes of steady load through the whole local stack (`npm start`'s own startStack):
// memory of every part sampled every 15 s, a trend fitted after the warm-up, every request counted.
const RPS = 120;
const SAMPLE_EVERY_MS = 15_000;
const MINUTE = 60_000;

type Part = { name: string; what: string; read: () => Promise<number | null> };
type Series = { part: Part; times: number[]; values: number[] };

/** A flat trace: the same rate for three days, one point a minute. */
function flatTrace(): TracePoint[] {
  const start = Date.UTC(2026, 0, 5);
  return Array.from({ length: 3 * 1440 }, (_, i) => ({ t: start + i * MINUTE, value: 1 }));
}

async function commandOf(pid: number): Promise<string> {
  return (await readFile(`/proc/${pid}/comm`, "utf8").catch(() => "")).trim();
}

async function partsOf(stack: RunningStack, inspectorPort: number): Promise<Part[]> {
  const [edgePid, predictorPid, scalerPid] = stack.pids();
  if (edgePid === undefined || predictorPid === undefined || scalerPid === undefined) throw new Error("the stack did not report its processes");
  let workerd: number | undefined;
  for (const pid of await descendantsOf(edgePid)) if ((await commandOf(pid)) === "workerd") workerd = pid;
  if (workerd === undefined) throw new Error("no workerd process under the edge runner");
  const workerdPid = workerd;
  return [
    { name: "Worker isolate heap", what: "V8 used heap after a full GC (inspector)", read: () => isolateHeapMiB(inspectorPort) },
    { name: "workerd", what: "RSS of the runtime process", read: () => rssMiB(workerdPid) },
    { name: "edge runner (Miniflare)", what: "RSS of the Node process hosting Miniflare", read: () => rssMiB(edgePid) },
    { name: "predictor", what: "RSS", read: () => rssMiB(predictorPid) },
    { name: "scaler", what: "RSS", read: () => rssMiB(scalerPid) },
    { name: "origins + traffic", what: `RSS of the launcher process (the 8 simulated origins and the replayer)`, read: () => rssMiB(process.pid) },
  ];
}

const f1 = (x: number) => x.toFixed(1);

const benchmark: Benchmark = {
  name: "soak",
  title: "Soak: memory and failures over ten minutes of steady load through the local stack",
  async run(context) {
    const durationMs = (context.quick ? 3 : 10) * MINUTE;
    const warmupMs = (context.quick ? 1 : 2) * MINUTE;
    const inspectorPort = await freePort();
    const stack = await startStack({
      edgePort: 0, predictorPort: 0, originBasePort: 0, edgeInspectorPort: inspectorPort,
      trace: { kind: "points", points: flatTrace(), description: "a flat trace" },
      peakRps: RPS, speed: 60, loop: true,
      log: (part, line) => { if (/\b(error|failed)\b/i.test(line)) context.log(`${part}: ${line}`); },
    });
    const series: Series[] = [];
    let summary;
    try {
      for (const part of await partsOf(stack, inspectorPort)) series.push({ part, times: [], values: [] });
      const started = Date.now();
      context.log(`stack up; soaking ${durationMs / MINUTE} min at ${RPS} rps`);
      while (Date.now() - started < durationMs) {
        await new Promise((resolve) => setTimeout(resolve, SAMPLE_EVERY_MS));
        const at = Date.now() - started;
        for (const s of series) {
          const value = await s.part.read();
          if (value === null) throw new Error(`${s.part.name} is gone`);
          s.times.push(at);
          s.values.push(value);
        }
        const progress = stack.traffic.replay.progress();
        context.log(`${Math.round(at / 1000)} s: sent ${progress.sent}, failed ${progress.failed}; ${series.map((s) => `${s.part.name} ${f1(s.values.at(-1) ?? 0)} MiB`).join(", ")}`);
      }
      summary = await stack.traffic.stop();
    } finally {
      await stack.stop();
    }
    const rows = series.map(({ part, times, values }) => {
      const kept = times.map((t, i) => [t, values[i] ?? 0] as const).filter(([t]) => t >= warmupMs);
      const perTenMinutes = slope(kept.map(([t]) => t), kept.map(([, v]) => v)) * 10 * MINUTE;
      const first = kept[0]?.[1] ?? 0;
      const last = kept.at(-1)?.[1] ?? 0;
      const peak = Math.max(...values);
      const mean = kept.reduce((sum, [, v]) => sum + v, 0) / Math.max(1, kept.length);
      // Growth: the fitted trend adds more than 2 MiB and 5 % over ten minutes.
      const grows = perTenMinutes > Math.max(2, 0.05 * mean);
      return `| ${part.name} | ${part.what} | ${f1(first)} | ${f1(last)} | ${f1(peak)} | ${perTenMinutes >= 0 ? "+" : ""}${f1(perTenMinutes)} | ${grows ? "**growing**" : "flat"} |`;
    });
    const failures = Object.entries(summary.failures).filter(([, n]) => n > 0).map(([kind, n]) => `${n} ${kind}`).join(", ");
    return [
      `\`startStack\` (what \`npm start\` runs: Redis, 8 simulated origins in 4 pools, the Worker in workerd through Miniflare, the predictor training Holt-Winters and seasonal-naive models, the scaler in act mode, the replayer) under a flat trace at ${RPS} requests/s from clients on every continent, for ${durationMs / MINUTE} minutes. Memory is sampled every ${SAMPLE_EVERY_MS / 1000} s; the trend is the least-squares slope after a ${warmupMs / MINUTE}-minute warm-up, scaled to ten minutes ("growing" when it adds more than 2 MiB and 5 %).`,
      "",
      `Requests: ${summary.sent.toLocaleString("en-US")} sent, ${summary.ok.toLocaleString("en-US")} answered 2xx-4xx by the origins, **${summary.failed} failed**${failures ? ` (${failures})` : ""}; latency p50 ${f1(summary.latency.p50)} ms, p99 ${f1(summary.latency.p99)} ms.`,
      "",
      "| part | measure | after warm-up (MiB) | at the end (MiB) | peak (MiB) | trend per 10 min (MiB) | verdict |",
      "| --- | --- | ---: | ---: | ---: | ---: | --- |",
      ...rows,
    ].join("\n");
  },
};

export default benchmark;
