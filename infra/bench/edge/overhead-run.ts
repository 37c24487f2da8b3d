import { treeCpuNanos } from "./process-cpu.ts";
import type { WrkOptions, WrkResult } from "./wrk.ts";
import { runWrk } from "./wrk.ts";

/** One thing wrk is pointed at, and the process whose CPU time it costs. */
export type Target = { name: string; url: string; pid: number };

/** One wrk run against a target and the CPU its process (tree) spent during it. */
export type Measurement = WrkResult & { target: string; cpuNsPerRequest: number; cpuShare: number };

/** Runs wrk against `target` and charges the CPU its process spent meanwhile to the requests
 * answered: on a quiet machine that is the process's whole cost per request. */
export async function measure(target: Target, options: WrkOptions): Promise<Measurement> {
  const cpuBefore = await treeCpuNanos(target.pid);
  const started = process.hrtime.bigint();
  const result = await runWrk(`${target.url}/bench/item?id=7`, options);
  const wallNs = Number(process.hrtime.bigint() - started);
  const cpuNs = (await treeCpuNanos(target.pid)) - cpuBefore;
  return {
    ...result,
    target: target.name,
    cpuNsPerRequest: cpuNs / Math.max(1, result.requests),
    cpuShare: cpuNs / wallNs,
  };
}

/** The median of a list (the mean of the two middle values for an even length). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? Number.NaN)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Runs `rounds` interleaved rounds over the targets (A B A B ...), so that a slow spell of a
 * shared machine hits every target alike instead of one of them. */
export async function interleaved(
  targets: readonly Target[],
  rounds: number,
  options: WrkOptions,
  log: (message: string) => void,
): Promise<Map<string, Measurement[]>> {
  const out = new Map<string, Measurement[]>(targets.map((target) => [target.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const target of targets) {
      const result = await measure(target, options);
      out.get(target.name)?.push(result);
      const latency = `p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms`;
      const cpu = `${(result.cpuNsPerRequest / 1000).toFixed(1)} µs CPU/request`;
      log(`round ${round + 1}/${rounds} ${target.name}: ${Math.round(result.rps)} req/s, ${latency}, ${cpu}`);
    }
  }
  return out;
}
