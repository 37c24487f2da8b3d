import type { OriginLoad } from "../balancing/load.ts";
import { unknownLoad } from "../balancing/load.ts";
import type { EjectionState } from "../resilience/ejection.ts";
import { NOT_EJECTED } from "../resilience/ejection.ts";
import type { WindowCounts } from "../resilience/outlier-checks.ts";
import { emptyCounts } from "../resilience/outlier-checks.ts";

/** What this isolate knows about one origin between requests, kept by origin id across table
 * versions: its load, its ejection state and its place in slow start. */
export type OriginRuntime = {
  readonly id: string;
  readonly load: OriginLoad;
  ejection: EjectionState;
  /** Tries and failures over the success-rate window. */
  readonly window: WindowCounts;
  /** Since when its latency has stayed above the latency-outlier threshold (-1: it has not). */
  slowSince: number;
  /** True while an ejection has not yet been seen to end (so the restore is reported once). */
  ejectedSeen: boolean;
  /** Start of the slow-start ramp (-Infinity: none). */
  rampStart: number;
  /** Whether it was serving at the last plan build. */
  serving: boolean;
  /** False until the first plan build that includes it (an isolate's first table ramps nobody). */
  known: boolean;
  /** Active health as of the last plan build, to report changes. */
  healthy: boolean;
};

/** Starts an origin's record afresh when its ejection ends: the failures and latencies that got it
 * ejected have served their sentence (slow start is the caution now), and carrying them on would
 * keep it from the traffic that shows it recovered; Envoy's outlier detection does the same. */
export function forgetOnRestore(runtime: OriginRuntime): void {
  Object.assign(runtime.load, { samples: 0, smoothSeq: 0, tries: 0, failures: 0 });
  runtime.slowSince = -1;
}

/** The runtimes of this isolate's origins, by id. */
export class OriginRuntimes {
  private readonly byId = new Map<string, OriginRuntime>();

  /** The runtime of `id`, created on first sight; `joinsLater` marks an origin added to a table
   * this isolate already served, which then ramps up through slow start. */
  get(id: string, joinsLater: boolean): OriginRuntime {
    let runtime = this.byId.get(id);
    if (!runtime) {
      runtime = {
        id,
        load: unknownLoad(),
        ejection: NOT_EJECTED,
        window: emptyCounts(),
        slowSince: -1,
        ejectedSeen: false,
        rampStart: -Infinity,
        serving: false,
        known: joinsLater,
        healthy: true,
      };
      this.byId.set(id, runtime);
    }
    return runtime;
  }

  /** Forgets origins no longer in the table. */
  keepOnly(ids: ReadonlySet<string>): void {
    for (const id of this.byId.keys()) if (!ids.has(id)) this.byId.delete(id);
  }
}
