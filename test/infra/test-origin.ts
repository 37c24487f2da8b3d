import { EventEmitter, once } from "node:events";
import { seededRng } from "../../contracts/index.ts";
import { DEFAULT_ORIGIN_SETTINGS } from "../../infra/simulator/fleet-spec.ts";
import type { OriginSpec } from "../../infra/simulator/fleet-spec.ts";
import type { RunningOrigin } from "../../infra/simulator/origin-server.ts";
import { startOriginServer } from "../../infra/simulator/origin-server.ts";
import type { VirtualScheduler } from "../../infra/simulator/scheduler.ts";
import { virtualScheduler } from "../../infra/simulator/scheduler.ts";
import { SimulatedOrigin } from "../../infra/simulator/simulated-origin.ts";

/** A simulated origin on a free loopback port, in virtual time: for tests of the simulator and
 * of the parts that talk to it. `nextArrival()` resolves when the next request reaches it. */
export type TestOrigin = RunningOrigin & { scheduler: VirtualScheduler; nextArrival(): Promise<string> };

/** Starts a test origin; `spec` overrides the default settings, `seed` fixes its service times. */
export async function startTestOrigin(
  options: { spec?: Partial<OriginSpec>; seed?: number; controlToken?: string } = {},
): Promise<TestOrigin> {
  const scheduler = virtualScheduler();
  const arrivals = new EventEmitter();
  const spec: OriginSpec = { ...DEFAULT_ORIGIN_SETTINGS, id: "origin-a", pool: "pool-a", ...options.spec };
  const origin = new SimulatedOrigin({ spec, scheduler, rng: seededRng(options.seed ?? 1) });
  const running = await startOriginServer({
    origin,
    host: "127.0.0.1",
    port: 0,
    ...(options.controlToken !== undefined ? { controlToken: options.controlToken } : {}),
    log: () => undefined,
    onArrival: (path) => arrivals.emit("arrival", path),
  });
  return { ...running, scheduler, nextArrival: async () => String((await once(arrivals, "arrival"))[0]) };
}

/** Prometheus text exposition parsed into TYPE declarations and samples (`name{labels}` -> value);
 * throws on any line that is not valid exposition format. */
export function parsePrometheusText(text: string): {
  types: Map<string, string>;
  samples: Map<string, number>;
} {
  const types = new Map<string, string>();
  const samples = new Map<string, number>();
  for (const [index, line] of text.split("\n").entries()) {
    if (line.trim() === "" || line.startsWith("# HELP ")) continue;
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      types.set(type[1] ?? "", type[2] ?? "");
      continue;
    }
    const sample =
      /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})?) (-?[0-9.]+(?:e[+-]?\d+)?|NaN|\+Inf|-Inf)$/.exec(
        line,
      );
    if (!sample) throw new Error(`line ${index + 1} is not Prometheus text format: ${line}`);
    samples.set(sample[1] ?? "", Number(sample[2]));
  }
  return { types, samples };
}
