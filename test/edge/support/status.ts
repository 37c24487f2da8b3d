import type { EdgeWorker } from "./edge-worker.ts";

export type OriginStatus = {
  id: string;
  healthy: boolean;
  serving: boolean;
  ejected: boolean;
  ejectedUntil: string | null;
  ejections: number;
  slowStart: number | null;
  effectiveWeight: number;
  inflight: number;
};
export type StatusBody = {
  panic: boolean;
  origins: OriginStatus[];
  events: { kind: string; origin?: string; detail: string }[];
  retryBudget: { retriesLeft: number; exhaustedTotal: number };
  problems: unknown[];
};

/** GET /__lb/status at `now`. */
export async function statusAt(edge: EdgeWorker, now: number): Promise<StatusBody> {
  const answer = await edge.admin("GET", "/__lb/status", undefined, now);
  if (answer.status !== 200) throw new Error(`status answered ${answer.status}`);
  return answer.body as StatusBody;
}

/** One origin's line of the status. */
export function originStatus(status: StatusBody, id: string): OriginStatus {
  const found = status.origins.find((origin) => origin.id === id);
  if (!found) throw new Error(`no origin ${id} in the status`);
  return found;
}

/** The value of one sample of /__lb/metrics (0 when absent). */
export async function metricValue(edge: EdgeWorker, sample: string, now: number): Promise<number> {
  const text = String((await edge.admin("GET", "/__lb/metrics", undefined, now)).body);
  const line = text.split("\n").find((l) => l.startsWith(`${sample} `));
  return line ? Number(line.slice(sample.length + 1)) : 0;
}
