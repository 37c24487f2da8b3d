import type { Routing } from "../state/edge-state.ts";

/** Seconds a client should wait before trying again when nothing can serve it: until the first
 * ejected origin returns, or 10 s (between two health checks) when none is ejected. */
export function retryAfterSeconds(routing: Routing, now: number): number {
  let earliest = Infinity;
  for (const runtime of routing.runtimes) {
    const until = runtime.ejection.ejectedUntil;
    if (until > now && until < earliest) earliest = until;
  }
  if (!Number.isFinite(earliest)) return 10;
  return Math.min(300, Math.max(1, Math.ceil((earliest - now) / 1000)));
}
