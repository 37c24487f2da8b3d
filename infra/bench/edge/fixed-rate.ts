import { Pool } from "undici";

/** The outcome of a fixed-rate run. */
export type FixedRateResult = { sent: number; ok: number; failed: number; seconds: number };

/**
 * Sends GET requests to `url` at a fixed rate for `seconds` (open loop: a request leaves at its
 * time whatever the earlier ones are doing) over a pool of keep-alive connections. At the same
 * rate below both saturation points, two servers do the same work per second, so their CPU per
 * request compares the work itself rather than how well each batches under saturation.
 */
export async function runFixedRate(
  url: string,
  rps: number,
  seconds: number,
  connections = 32,
): Promise<FixedRateResult> {
  const target = new URL(url);
  const pool = new Pool(target.origin, { connections, pipelining: 1, keepAliveTimeout: 30_000 });
  const path = target.pathname + target.search;
  const total = Math.round(rps * seconds);
  let ok = 0;
  let failed = 0;
  const pending: Promise<void>[] = [];
  const started = performance.now();
  try {
    for (let k = 0; k < total; k++) {
      const due = started + (k * 1000) / rps;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      pending.push(
        pool.request({ path, method: "GET" }).then(
          async (answer) => {
            await answer.body.dump();
            if (answer.statusCode === 200) ok++;
            else failed++;
          },
          () => {
            failed++;
          },
        ),
      );
    }
    await Promise.all(pending);
  } finally {
    await pool.close();
  }
  return { sent: total, ok, failed, seconds: (performance.now() - started) / 1000 };
}
