import { readFile } from "node:fs/promises";
import type { Rng, TracePoint } from "../../contracts/index.ts";
import { parseTraceCsv, TraceCsvError } from "../../contracts/index.ts";
import { generateTrace } from "../traces/trace-generator.ts";
import type { TraceOptionsInput } from "../traces/trace-options.ts";

/** Where the replay's trace comes from: a `timestamp,value` CSV file, or the generator. */
export type TraceSource = { csv: string; column?: string } | { generate: TraceOptionsInput; rng: Rng };

/** A trace ready to play, with a one-line description for logs. */
export type LoadedTrace = { points: TracePoint[]; description: string };

/** Reads or generates the trace. A malformed CSV throws an error naming the file and line. */
export async function loadTrace(source: TraceSource): Promise<LoadedTrace> {
  if ("csv" in source) {
    const text = await readFile(source.csv, "utf8");
    try {
      const trace = parseTraceCsv(text, source.column !== undefined ? { column: source.column } : {});
      return {
        points: trace.points,
        description: `${source.csv} (column ${trace.valueColumn}, ${trace.points.length} points)`,
      };
    } catch (error) {
      if (error instanceof TraceCsvError)
        throw new Error(`${source.csv}: ${error.message}`, { cause: error });
      throw error;
    }
  }
  const trace = generateTrace(source.generate, source.rng);
  const { days, stepSeconds } = trace.options;
  const crowds = trace.flashCrowds
    .map((crowd) => new Date(crowd.at).toISOString().slice(0, 16).replace("T", " "))
    .join(", ");
  return {
    points: trace.points,
    description: `generated, ${days} days at ${stepSeconds} s${crowds ? `, flash crowds at ${crowds} UTC` : ", no flash crowd"}`,
  };
}

/** Where a replay starts by default: a week in (so there is history to backfill), or halfway
 * through traces shorter than two weeks. */
export function defaultReplayStart(points: readonly TracePoint[]): number {
  const first = points[0]?.t ?? 0;
  const last = points[points.length - 1]?.t ?? first;
  return first + Math.min(7 * 86_400_000, (last - first) / 2);
}
