import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { validateDecision } from "../../contracts/decision.ts";
import { validateForecast } from "../../contracts/forecast.ts";
import { validateHealthReport } from "../../contracts/health-report.ts";
import { isOriginUrl, validateOriginTable } from "../../contracts/origin-table.ts";
import { validateSimScaleRequest, validateSimScaleState } from "../../contracts/simulator-scale.ts";
import { validateSlo } from "../../contracts/slo.ts";
import {
  MAX_SERIES_POINTS,
  TraceCsvError,
  detectStepSeconds,
  parseTimestamp,
  parseTraceCsv,
  resampleToStep,
  splitCsvLine,
} from "../../contracts/trace-csv.ts";
import type { Validated } from "../../contracts/validation.ts";
import { parseJsonText } from "../../contracts/validation.ts";
import { validateWeightsOverlay } from "../../contracts/weights-overlay.ts";
import { compileTable } from "../../edge/routing/compiled-table.ts";
import { mutatedJson } from "./support/mutations.ts";

// Thousands of generated malformed inputs against every parser and validator of contracts/:
// each answers with a value or with issues (a TraceCsvError for CSV), never with another
// exception. Seeded, so a failure repeats; fast-check prints the seed and the shrunk input.

const SEED = 20_261_121;
const RUNS = 600;

const VALIDATORS: [string, (input: unknown) => Validated<unknown>][] = [
  ["origin table", validateOriginTable],
  ["weights overlay", validateWeightsOverlay],
  ["health report", validateHealthReport],
  ["SLO", (input) => validateSlo(input)],
  ["decision", validateDecision],
  ["forecast", validateForecast],
  ["simulator scale request", validateSimScaleRequest],
  ["simulator scale state", validateSimScaleState],
];

/** Any input a JSON body or a KV value can hold, plus shapes JSON cannot (the validators also
 * see job data and in-process values). */
const anyInput = fc.oneof(
  fc.jsonValue(),
  fc.anything(),
  mutatedJson()
    .map((text) => parseJsonText(text))
    .map((parsed) => (parsed.ok ? parsed.value : null)),
);

function expectWellFormed(result: Validated<unknown>): void {
  if (result.ok) return;
  expect(result.issues.length).toBeGreaterThan(0);
  for (const issue of result.issues) {
    expect(typeof issue.path).toBe("string");
    expect(typeof issue.message).toBe("string");
    expect(issue.message.length).toBeGreaterThan(0);
  }
}

describe("contract validators under hostile input", () => {
  it.each(VALIDATORS)(
    "the %s validator answers every input with a value or with issues, never an exception",
    (_name, validate) => {
      fc.assert(
        fc.property(anyInput, (input) => {
          const result = validate(input);
          expectWellFormed(result);
          // What it accepts survives a JSON round trip (KV and HTTP carry JSON text).
          if (result.ok) expect(validate(JSON.parse(JSON.stringify(result.value))).ok).toBe(true);
        }),
        { seed: SEED, numRuns: RUNS },
      );
    },
  );

  it("accepts only origin tables whose every upstream is an http(s) origin it compiles to", () => {
    fc.assert(
      fc.property(mutatedJson("table"), (text) => {
        const parsed = parseJsonText(text);
        if (!parsed.ok) return;
        const result = validateOriginTable(parsed.value);
        if (!result.ok) return;
        const compiled = compileTable(result.value);
        for (const origin of compiled.origins) {
          const source = result.value.pools[origin.pool]?.origins.find((o) => o.id === origin.id);
          expect(source).toBeDefined();
          const base = new URL(origin.base);
          expect(["http:", "https:"]).toContain(base.protocol);
          expect(base.host).toBe(new URL(source?.url ?? "").host);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it("never takes a URL that is not plain http(s) as an origin", () => {
    const hostile = fc.oneof(
      fc.webUrl({
        withQueryParameters: true,
        withFragments: true,
        validSchemes: ["http", "https", "ftp", "file", "ws"],
      }),
      fc.constantFrom(
        "javascript:alert(1)",
        "data:text/plain,x",
        "file:///etc/passwd",
        "gopher://127.0.0.1:6379/_FLUSHALL",
        "http://user:pass@127.0.0.1/",
        "http:/\\127.0.0.1",
        "//127.0.0.1",
        "http://",
        "https://127.0.0.1?x",
        "http://127.0.0.1#x",
      ),
      fc.string({ maxLength: 80 }),
    );
    fc.assert(
      fc.property(hostile, (text) => {
        if (!isOriginUrl(text)) return;
        const url = new URL(text);
        expect(["http:", "https:"]).toContain(url.protocol);
        expect([url.username, url.password, url.search, url.hash]).toEqual(["", "", "", ""]);
        expect(url.hostname).not.toBe("");
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it("parses any JSON text into a value or a root issue", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), mutatedJson()), (text) => {
        expectWellFormed(parseJsonText(text));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});

/** CSV-like text: lines of fields built from timestamps, numbers, quotes and junk. */
const csvField = fc.oneof(
  fc.constantFrom(
    "timestamp",
    "value",
    "",
    '"',
    '""',
    '"a,b"',
    "NaN",
    "Infinity",
    "-1e309",
    "1e308",
    "2014-07-01 00:00:00",
    "2026-01-01T00:00:00Z",
    "9999-12-31T23:59:59Z",
    "0001-01-01",
    "1700000000",
    "-62135596800",
    "\uFEFF",
    "#",
  ),
  fc.double().map(String),
  fc.integer().map(String),
  fc.string({ maxLength: 12 }),
);
const csvText = fc.oneof(
  fc
    .array(
      fc.array(csvField, { maxLength: 4 }).map((fields) => fields.join(",")),
      { maxLength: 30 },
    )
    .chain((lines) => fc.constantFrom("\n", "\r\n").map((eol) => lines.join(eol))),
  fc.string({ maxLength: 400 }),
);

describe("the trace CSV parser under hostile input", () => {
  it("reads any text into sorted finite points or fails with a TraceCsvError naming a line", () => {
    fc.assert(
      fc.property(csvText, (text) => {
        let points;
        try {
          points = parseTraceCsv(text).points;
        } catch (error) {
          expect(error).toBeInstanceOf(TraceCsvError);
          expect((error as TraceCsvError).line).toBeGreaterThanOrEqual(1);
          return;
        }
        expect(points.length).toBeGreaterThan(0);
        for (let k = 0; k < points.length; k++) {
          expect(Number.isFinite(points[k]?.t) && Number.isFinite(points[k]?.value)).toBe(true);
          if (k > 0) expect(points[k]?.t).toBeGreaterThanOrEqual(points[k - 1]?.t ?? -Infinity);
        }
      }),
      { seed: SEED, numRuns: RUNS * 2 },
    );
  });

  it("resamples what it parsed at its own step, and refuses an impossible grid with a RangeError", () => {
    fc.assert(
      fc.property(csvText, fc.integer({ min: 1, max: 86_400 }), (text, step) => {
        let points;
        try {
          points = parseTraceCsv(text).points;
        } catch {
          return;
        }
        expect(resampleToStep(points, detectStepSeconds(points)).values.length).toBeGreaterThan(0);
        try {
          expect(resampleToStep(points, step).values.length).toBeLessThanOrEqual(MAX_SERIES_POINTS);
        } catch (error) {
          expect(error).toBeInstanceOf(RangeError);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it("names the line of a timestamp that lies decades from the rest instead of exhausting memory", () => {
    const text = [
      "timestamp,value",
      "2026-01-01T00:00:00Z,1",
      "2026-01-01T00:00:01Z,2",
      "1970-01-01T00:00:00Z,3",
      "2026-01-01T00:00:02Z,4",
    ].join("\n");
    expect(() => parseTraceCsv(text)).toThrow(
      expect.objectContaining({
        line: 4,
        message: expect.stringContaining("is this timestamp wrong?") as string,
      }),
    );
  });

  it("splits any line or fails with a TraceCsvError, and reads any timestamp as a number", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (line) => {
        try {
          expect(Array.isArray(splitCsvLine(line, 1))).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(TraceCsvError);
        }
        expect(typeof parseTimestamp(line)).toBe("number");
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
