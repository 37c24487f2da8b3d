import { spawn } from "node:child_process";

export type WrkOptions = { connections: number; threads: number; seconds: number };

/** What one wrk run measured. Latencies are wrk's own HdrHistogram percentiles (closed loop:
 * each connection sends its next request when the answer arrives). */
export type WrkResult = {
  requests: number;
  seconds: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
};

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

/** Parses a wrk duration such as `572.00us`, `2.45ms` or `1.02s` into milliseconds. */
export function parseWrkDuration(text: string): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim());
  const unit = match?.[2];
  if (!match || unit === undefined) throw new Error(`not a wrk duration: "${text}"`);
  return Number(match[1]) * (UNIT_MS[unit] ?? Number.NaN);
}

/** Parses the report of `wrk --latency`. */
export function parseWrkReport(text: string): WrkResult {
  const total = /(\d+) requests in ([\d.]+)(us|ms|s|m),/.exec(text);
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(text);
  const p50 = /^\s+50%\s+(\S+)$/m.exec(text);
  const p99 = /^\s+99%\s+(\S+)$/m.exec(text);
  if (!total || !rps || !p50?.[1] || !p99?.[1]) throw new Error(`unexpected wrk output:\n${text}`);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const errors = socket ? [1, 2, 3, 4].reduce((sum, k) => sum + Number(socket[k]), 0) : 0;
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(text)?.[1] ?? 0);
  return {
    requests: Number(total[1]),
    seconds: parseWrkDuration(`${total[2] ?? ""}${total[3] ?? ""}`) / 1000,
    rps: Number(rps[1]),
    p50Ms: parseWrkDuration(p50[1]),
    p99Ms: parseWrkDuration(p99[1]),
    errors,
    non2xx,
  };
}

/** Runs Debian's wrk against `url` for a bounded time and parses its report. */
export function runWrk(url: string, options: WrkOptions): Promise<WrkResult> {
  const args = [
    "-t",
    String(options.threads),
    "-c",
    String(options.connections),
    "-d",
    `${options.seconds}s`,
    "--timeout",
    "5s",
    "--latency",
    url,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn("wrk", args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
    });
    child.once("error", (error) => {
      reject(new Error(`wrk did not start (is Debian's wrk installed?): ${error.message}`));
    });
    child.once("exit", (code) => {
      if (code !== 0) reject(new Error(`wrk exited with ${code}: ${out}`));
      else {
        try {
          resolve(parseWrkReport(out));
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      }
    });
  });
}
