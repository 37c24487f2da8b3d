/**
 * The `timestamp,value` trace format shared by the backtest, the simulator and the traffic
 * replayer. Written by hand (not csv-parse) because contracts/ must run anywhere, without
 * Node's Buffer; the format is one record per line with optional quoting.
 */

/** One observation of a trace. `t` is epoch milliseconds. */
export type TracePoint = { t: number; value: number };

/** A trace read from CSV text: its points in time order and the header, when there was one. */
export type Trace = { points: TracePoint[]; header: string[] | null; valueColumn: string };

/** A malformed CSV: `line` is 1-based, as an editor shows it. */
export class TraceCsvError extends Error {
  readonly line: number;
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = "TraceCsvError";
    this.line = line;
  }
}

const TIME_COLUMNS = ["timestamp", "time", "date", "datetime", "ds", "ts"];

/** Splits one CSV record into fields, honouring double quotes ("" escapes a quote). */
export function splitCsvLine(line: string, lineNumber: number): string[] {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  let wasQuoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line.charAt(i);
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') {
      if (field.trim() !== "")
        throw new TraceCsvError(lineNumber, `unexpected quote inside field "${field}"`);
      quoted = true;
      wasQuoted = true;
      field = "";
    } else if (ch === ",") {
      fields.push(wasQuoted ? field : field.trim());
      field = "";
      wasQuoted = false;
    } else if (wasQuoted && ch !== " " && ch !== "\t") {
      throw new TraceCsvError(lineNumber, "text after a closing quote");
    } else if (!wasQuoted) field += ch;
  }
  if (quoted) throw new TraceCsvError(lineNumber, "unterminated quoted field");
  fields.push(wasQuoted ? field : field.trim());
  return fields;
}

/** Parses a timestamp: ISO-8601 (a zone-less one is UTC), `YYYY-MM-DD HH:MM[:SS]` (UTC), or epoch
 * seconds/milliseconds. Returns NaN when it is none of these. */
export function parseTimestamp(text: string): number {
  if (/^-?\d+(\.\d+)?$/.test(text)) {
    const n = Number(text);
    return Math.abs(n) < 1e11 ? n * 1000 : n;
  }
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(
    text,
  );
  if (!m) return Number.NaN;
  const [, date, time, zone] = m;
  return Date.parse(`${date ?? ""}T${time ?? "00:00:00"}${zone ?? "Z"}`);
}

/** Reads a trace: an optional header, then one `timestamp,value[,...]` record a line. `column`
 * picks the value column by header name (default: the first column that is not the time). An
 * empty value is a gap. Any malformed record throws a TraceCsvError naming its line. */
export function parseTraceCsv(text: string, options: { column?: string } = {}): Trace {
  const lines = text.split(/\r?\n/);
  let header: string[] | null = null;
  let timeIndex = 0;
  let valueIndex = 1;
  const points: TracePoint[] = [];
  let lastLine = 0;
  // The lines of the earliest and the latest point, to name one that lies far from the rest.
  const ends = { first: { t: Infinity, line: 0 }, last: { t: -Infinity, line: 0 } };
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? "";
    const lineNumber = i + 1;
    if (raw.trim() === "" || raw.trimStart().startsWith("#")) continue;
    const fields = splitCsvLine(raw.replace(/^\uFEFF/, ""), lineNumber);
    if (header === null && points.length === 0 && lastLine === 0) {
      lastLine = lineNumber;
      const first = fields[0] ?? "";
      if (Number.isNaN(parseTimestamp(first))) {
        header = fields;
        const lower = fields.map((f) => f.toLowerCase());
        const t = lower.findIndex((f) => TIME_COLUMNS.includes(f));
        timeIndex = t >= 0 ? t : 0;
        if (options.column !== undefined) {
          valueIndex = fields.indexOf(options.column);
          if (valueIndex < 0)
            throw new TraceCsvError(
              lineNumber,
              `no column named "${options.column}" in the header (${fields.join(", ")})`,
            );
        } else {
          valueIndex = fields.findIndex((_, index) => index !== timeIndex);
          if (valueIndex < 0) throw new TraceCsvError(lineNumber, "the header names no value column");
        }
        continue;
      }
      if (options.column !== undefined)
        throw new TraceCsvError(lineNumber, `--column "${options.column}" needs a header line`);
    }
    lastLine = lineNumber;
    if (fields.length <= Math.max(timeIndex, valueIndex)) {
      throw new TraceCsvError(
        lineNumber,
        `expected at least ${Math.max(timeIndex, valueIndex) + 1} fields, found ${fields.length}`,
      );
    }
    const timeText = fields[timeIndex] ?? "";
    const t = parseTimestamp(timeText);
    if (!Number.isFinite(t))
      throw new TraceCsvError(
        lineNumber,
        `"${timeText}" is not a timestamp (ISO-8601, "YYYY-MM-DD HH:MM:SS" or epoch seconds)`,
      );
    const valueText = fields[valueIndex] ?? "";
    if (valueText === "") continue;
    const value = Number(valueText);
    if (!Number.isFinite(value))
      throw new TraceCsvError(lineNumber, `value "${valueText}" is not a finite number`);
    points.push({ t, value });
    if (t < ends.first.t) ends.first = { t, line: lineNumber };
    if (t > ends.last.t) ends.last = { t, line: lineNumber };
  }
  if (points.length === 0) throw new TraceCsvError(Math.max(1, lastLine), "the file holds no data points");
  points.sort((a, b) => a.t - b.t);
  checkSpan(points, ends);
  const valueColumn = header?.[valueIndex] ?? "value";
  return { points, header, valueColumn };
}

/** Most points a series resampled from a trace may hold (ten years at one minute): more means a
 * timestamp far from the rest, and a grid that would not fit in memory. */
export const MAX_SERIES_POINTS = 5_256_000;

/** Refuses a trace whose span, at its own typical step, would exceed MAX_SERIES_POINTS, naming the
 * line of the end point that lies farther from the trace's middle (likely a wrong timestamp). */
function checkSpan(
  points: readonly TracePoint[],
  ends: { first: { t: number; line: number }; last: { t: number; line: number } },
): void {
  const first = points[0];
  const last = points[points.length - 1];
  const middle = points[Math.floor(points.length / 2)];
  if (!first || !last || !middle) return;
  const stepMs = detectStepSeconds(points) * 1000;
  const steps = Math.floor((last.t - first.t) / stepMs) + 1;
  if (steps <= MAX_SERIES_POINTS) return;
  const outlier = middle.t - first.t > last.t - middle.t ? ends.first : ends.last;
  throw new TraceCsvError(
    outlier.line,
    `timestamp ${new Date(outlier.t).toISOString()} lies too far from the rest of the trace: at its typical step of ${stepMs / 1000} s the trace would span ${steps} points, more than the ${MAX_SERIES_POINTS} a series may hold (is this timestamp wrong?)`,
  );
}

/** The typical spacing of a trace in seconds: the median gap between consecutive points. */
export function detectStepSeconds(points: readonly TracePoint[]): number {
  const gaps: number[] = [];
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1];
    const b = points[i];
    if (a && b && b.t > a.t) gaps.push(b.t - a.t);
  }
  if (gaps.length === 0) return 60;
  gaps.sort((x, y) => x - y);
  const median = gaps[Math.floor(gaps.length / 2)] ?? 60_000;
  return Math.max(1, Math.round(median / 1000));
}

/** A series on a fixed grid: `values[i]` is at `start + i * stepSeconds` (epoch ms); null is a gap. */
export type RegularSeries = { start: number; stepSeconds: number; values: (number | null)[] };

/** Resamples irregular points onto a fixed step: each bucket holds the mean of its points, or
 * null where none fell (a gap, never a zero). */
export function resampleToStep(points: readonly TracePoint[], stepSeconds: number): RegularSeries {
  const stepMs = stepSeconds * 1000;
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last) return { start: 0, stepSeconds, values: [] };
  const start = Math.floor(first.t / stepMs) * stepMs;
  const length = Math.floor((last.t - start) / stepMs) + 1;
  if (!(length <= MAX_SERIES_POINTS))
    throw new RangeError(
      `resampling ${new Date(first.t).toISOString()} .. ${new Date(last.t).toISOString()} at ${stepSeconds} s would make ${length} points, more than the ${MAX_SERIES_POINTS} a series may hold`,
    );
  const sums = new Float64Array(length);
  const counts = new Uint32Array(length);
  for (const point of points) {
    const index = Math.floor((point.t - start) / stepMs);
    sums[index] = (sums[index] ?? 0) + point.value;
    counts[index] = (counts[index] ?? 0) + 1;
  }
  const values: (number | null)[] = new Array<number | null>(length);
  for (let i = 0; i < length; i++) {
    const count = counts[i] ?? 0;
    values[i] = count > 0 ? (sums[i] ?? 0) / count : null;
  }
  return { start, stepSeconds, values };
}
