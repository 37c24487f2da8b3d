import { readFile } from "node:fs/promises";
import type { TracePoint } from "../../contracts/index.ts";
import type { RunningStack } from "../stack/start-stack.ts";
import { startStack } from "../stack/start-stack.ts";
import type { Benchmark } from "./benchmark.ts";
import { freePort } from "./edge/free-port.ts";
import { runFixedRate } from "./edge/fixed-rate.ts";
import { startNginx } from "./edge/nginx.ts";
import { descendantsOf } from "./edge/process-cpu.ts";
import { startBareWorker, startProductWorker } from "./edge/worker-runtimes.ts";
import { headlineComment } from "./report.ts";
import { isolateHeapMiB, rssMiB, slope } from "./soak/memory-probes.ts";
import { fillTemplate } from "./template.ts";

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
  if (edgePid === undefined || predictorPid === undefined || scalerPid === undefined)
    throw new Error("the stack did not report its processes");
  let workerd: number | undefined;
  for (const pid of await descendantsOf(edgePid)) if ((await commandOf(pid)) === "workerd") workerd = pid;
  if (workerd === undefined) throw new Error("no workerd process under the edge runner");
  const workerdPid = workerd;
  return [
    {
      name: "Worker isolate heap",
      what: "V8 used heap after a full GC (inspector)",
      read: () => isolateHeapMiB(inspectorPort),
    },
    { name: "workerd", what: "RSS of the runtime process", read: () => rssMiB(workerdPid) },
    {
      name: "edge runner (Miniflare)",
      what: "RSS of the Node process hosting Miniflare",
      read: () => rssMiB(edgePid),
    },
    { name: "predictor", what: "RSS", read: () => rssMiB(predictorPid) },
    { name: "scaler", what: "RSS", read: () => rssMiB(scalerPid) },
    {
      name: "origins + traffic",
      what: `RSS of the launcher process (the 8 simulated origins and the replayer)`,
      read: () => rssMiB(process.pid),
    },
  ];
}

const f1 = (x: number) => x.toFixed(1);

const CONTROL_RPS = 120;
const CONTROL_SAMPLE_S = 15;

/** workerd's RSS under a bare pass-through Worker and under the product's, at the same rate. */
async function runtimeControl(
  minutes: number,
  log: (m: string) => void,
): Promise<{ minutes: number; rows: string[] }> {
  const origin = await startNginx({ kind: "origin", body: "ok" }, await freePort());
  const rows: string[] = [];
  try {
    for (const which of ["bare", "product"] as const) {
      const table = {
        version: 1,
        updatedAt: new Date().toISOString(),
        pools: [
          {
            name: "local",
            location: { lat: 50.11, lon: 8.68 },
            origins: [{ id: "nginx", url: origin.url, weight: 1 }],
          },
        ],
      };
      const worker =
        which === "bare"
          ? await startBareWorker(await freePort(), origin.url)
          : await startProductWorker(await freePort(), "soak-control-token-0123", table);
      try {
        const samples = [(await rssMiB(worker.workerdPid)) ?? 0];
        let failed = 0;
        for (let i = 0; i < (minutes * 60) / CONTROL_SAMPLE_S; i++) {
          failed += (await runFixedRate(`${worker.url}/soak`, CONTROL_RPS, CONTROL_SAMPLE_S)).failed;
          samples.push((await rssMiB(worker.workerdPid)) ?? 0);
        }
        log(`control ${which}: ${samples.map((v) => v.toFixed(0)).join(" ")} MiB, ${failed} failed`);
        rows.push(
          `| ${which === "bare" ? "bare pass-through" : "the product's"} | ${samples.map((v) => v.toFixed(0)).join(", ")} | +${f1((samples.at(-1) ?? 0) - (samples[0] ?? 0))} MiB |`,
        );
      } finally {
        await worker.stop();
      }
    }
  } finally {
    await origin.stop();
  }
  return { minutes, rows };
}

const benchmark: Benchmark = {
  name: "soak",
  title: "Soak: memory and failures over ten minutes of steady load through the local stack",
  async run(context) {
    const durationMs = (context.quick ? 3 : 10) * MINUTE;
    // The trend is fitted over the second half: what still grows once every part has warmed up
    // (V8 heaps and allocator pools grow for a few minutes before they level off).
    const warmupMs = durationMs / 2;
    const inspectorPort = await freePort();
    const stack = await startStack({
      edgePort: 0,
      predictorPort: 0,
      scalerPort: 0,
      originBasePort: 0,
      edgeInspectorPort: inspectorPort,
      trace: { kind: "points", points: flatTrace(), description: "a flat trace" },
      peakRps: RPS,
      speed: 60,
      loop: true,
      log: (part, line) => {
        if (/\b(error|failed)\b/i.test(line)) context.log(`${part}: ${line}`);
      },
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
        context.log(
          `${Math.round(at / 1000)} s: sent ${progress.sent}, failed ${progress.failed}; ${series.map((s) => `${s.part.name} ${f1(s.values.at(-1) ?? 0)} MiB`).join(", ")}`,
        );
      }
      summary = await stack.traffic.stop();
    } finally {
      await stack.stop();
    }
    const growing: string[] = [];
    const rows = series.map(({ part, times, values }) => {
      const kept = times.map((t, i) => [t, values[i] ?? 0] as const).filter(([t]) => t >= warmupMs);
      const perTenMinutes =
        slope(
          kept.map(([t]) => t),
          kept.map(([, v]) => v),
        ) *
        10 *
        MINUTE;
      const first = kept[0]?.[1] ?? 0;
      const last = kept.at(-1)?.[1] ?? 0;
      const peak = Math.max(...values);
      const mean = kept.reduce((sum, [, v]) => sum + v, 0) / Math.max(1, kept.length);
      // Growth: the fitted trend would add more than 2 MiB and 5 % over ten minutes.
      const grows = perTenMinutes > Math.max(2, 0.05 * mean);
      if (grows) growing.push(part.name);
      const trend = `${perTenMinutes >= 0 ? "+" : ""}${f1(perTenMinutes)}`;
      const cells = [
        part.name,
        part.what,
        f1(first),
        f1(last),
        f1(peak),
        trend,
        grows ? "**growing**" : "flat",
      ];
      return `| ${cells.join(" | ")} |`;
    });
    const control = await runtimeControl(context.quick ? 1 : 2, (m) => {
      context.log(m);
    });
    // workerd's RSS is the local runtime's own (see the control below), not the product's.
    const product = growing.filter((name) => name !== "workerd");
    const failures = Object.entries(summary.failures)
      .filter(([, n]) => n > 0)
      .map(([kind, n]) => `${n} ${kind}`)
      .join(", ");
    return [
      fillTemplate("soak-setup", {
        rps: RPS,
        minutes: durationMs / MINUTE,
        sampleSeconds: SAMPLE_EVERY_MS / 1000,
        warmupMinutes: warmupMs / MINUTE,
      }),
      "",
      `Requests: ${summary.sent.toLocaleString("en-US")} sent, ${summary.ok.toLocaleString("en-US")} answered 2xx-4xx by the origins, ` +
        `**${summary.failed} failed**${failures ? ` (${failures})` : ""}; ` +
        `latency p50 ${f1(summary.latency.p50)} ms, p99 ${f1(summary.latency.p99)} ms.`,
      headlineComment({
        figure: `${summary.failed} of ${summary.sent.toLocaleString("en-US")} requests failed; growing: ${product.length > 0 ? product.join(", ") : "no part of the product"}`,
        target: "no failed request, no part of the product growing (workerd is the local runtime's)",
        met: summary.failed === 0 && product.length === 0,
      }),
      "",
      "| part | measure | after warm-up (MiB) | at the end (MiB) | peak (MiB) | trend per 10 min (MiB) | verdict |",
      "| --- | --- | ---: | ---: | ---: | ---: | --- |",
      ...rows,
      "",
      fillTemplate("soak-runtime", {
        rps: CONTROL_RPS,
        minutes: control.minutes,
        sampleSeconds: CONTROL_SAMPLE_S,
      }),
      "",
      "| Worker | workerd RSS samples (MiB) | growth |",
      "| --- | --- | ---: |",
      ...control.rows,
    ].join("\n");
  },
};

export default benchmark;
