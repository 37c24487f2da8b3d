import { describe, expect, it } from "vitest";
import { TraceCsvError, detectStepSeconds, parseTraceCsv, resampleToStep } from "./trace-csv.ts";

describe("trace CSV", () => {
  it("reads a NAB-style file with a header", () => {
    const trace = parseTraceCsv("timestamp,value\n2014-07-01 00:00:00,10844\n2014-07-01 00:30:00,8127\n");
    expect(trace.points).toEqual([
      { t: Date.UTC(2014, 6, 1, 0, 0), value: 10844 },
      { t: Date.UTC(2014, 6, 1, 0, 30), value: 8127 },
    ]);
    expect(detectStepSeconds(trace.points)).toBe(1800);
  });

  it("picks a named column and accepts quotes, ISO and epoch timestamps", () => {
    const trace = parseTraceCsv('time,"a",b\n1700000000,1,"2"\n2023-11-14T22:14:20Z,3,4\n', { column: "b" });
    expect(trace.points.map((p) => p.value)).toEqual([2, 4]);
    expect(trace.points[0]?.t).toBe(1_700_000_000_000);
  });

  it.each([
    ["timestamp,value\n2014-07-01 00:00:00,12\nnot-a-time,5\n", 3, "not a timestamp"],
    ["timestamp,value\n2014-07-01 00:00:00,abc\n", 2, "not a finite number"],
    ["timestamp,value\n\n\n2014-07-01 00:00:00\n", 4, "expected at least 2 fields"],
    ['timestamp,value\n2014-07-01 00:00:00,"12\n', 2, "unterminated"],
    ["timestamp,value\n", 1, "no data points"],
  ])("names the line of a malformed file (%#)", (text, line, message) => {
    let error: unknown;
    try {
      parseTraceCsv(text);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TraceCsvError);
    expect((error as TraceCsvError).line).toBe(line);
    expect((error as TraceCsvError).message).toContain(`line ${line}:`);
    expect((error as TraceCsvError).message).toContain(message);
  });

  it("resamples irregular points, keeping empty buckets as gaps", () => {
    const t0 = Date.UTC(2026, 0, 1);
    const series = resampleToStep(
      [
        { t: t0 + 5_000, value: 2 },
        { t: t0 + 50_000, value: 4 },
        { t: t0 + 185_000, value: 9 },
      ],
      60,
    );
    expect(series).toEqual({ start: t0, stepSeconds: 60, values: [3, null, null, 9] });
  });
});
