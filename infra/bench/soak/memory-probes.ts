import { readFile } from "node:fs/promises";

/** Resident set size of a process in MiB, from /proc/<pid>/status (Linux); null once it is gone. */
export async function rssMiB(pid: number): Promise<number | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

type InspectorTarget = { webSocketDebuggerUrl?: string };
type InspectorReply = {
  id?: number;
  result?: { usedSize?: number; totalSize?: number };
  error?: { message?: string };
};

/**
 * The used V8 heap of the Worker's isolate in MiB, through workerd's inspector (DevTools
 * protocol): a full garbage collection first, so that what is left is what the Worker holds,
 * then `Runtime.getHeapUsage`.
 */
export async function isolateHeapMiB(inspectorPort: number, timeoutMs = 10_000): Promise<number> {
  const targets = (await (
    await fetch(`http://127.0.0.1:${inspectorPort}/json`, { signal: AbortSignal.timeout(timeoutMs) })
  ).json()) as InspectorTarget[];
  const url = targets.find((t) => t.webSocketDebuggerUrl !== undefined)?.webSocketDebuggerUrl;
  if (url === undefined) throw new Error(`the inspector on port ${inspectorPort} lists no isolate`);
  const socket = new WebSocket(url);
  try {
    await new Promise<void>((resolve, reject) => {
      socket.addEventListener(
        "open",
        () => {
          resolve();
        },
        { once: true },
      );
      socket.addEventListener(
        "error",
        () => {
          reject(new Error(`cannot connect to ${url}`));
        },
        { once: true },
      );
    });
    let next = 0;
    const call = (method: string): Promise<InspectorReply> =>
      new Promise((resolve, reject) => {
        const id = ++next;
        const timer = setTimeout(() => {
          reject(new Error(`${method} got no answer in ${timeoutMs} ms`));
        }, timeoutMs);
        const onMessage = (event: MessageEvent): void => {
          const reply = JSON.parse(String(event.data)) as InspectorReply;
          if (reply.id !== id) return;
          clearTimeout(timer);
          socket.removeEventListener("message", onMessage);
          if (reply.error) reject(new Error(`${method}: ${reply.error.message ?? "failed"}`));
          else resolve(reply);
        };
        socket.addEventListener("message", onMessage);
        socket.send(JSON.stringify({ id, method }));
      });
    await call("HeapProfiler.collectGarbage");
    const usage = await call("Runtime.getHeapUsage");
    const used = usage.result?.usedSize;
    if (used === undefined) throw new Error("Runtime.getHeapUsage answered without usedSize");
    return used / (1024 * 1024);
  } finally {
    socket.close();
  }
}

/** Least-squares slope of `values` over `times` (per unit of time); 0 with fewer than 2 points. */
export function slope(times: readonly number[], values: readonly number[]): number {
  const n = Math.min(times.length, values.length);
  if (n < 2) return 0;
  let mt = 0;
  let mv = 0;
  for (let i = 0; i < n; i++) {
    mt += times[i] ?? 0;
    mv += values[i] ?? 0;
  }
  mt /= n;
  mv /= n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const dt = (times[i] ?? 0) - mt;
    num += dt * ((values[i] ?? 0) - mv);
    den += dt * dt;
  }
  return den > 0 ? num / den : 0;
}
