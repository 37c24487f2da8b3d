import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { seededRng, validateWith } from "../../contracts/index.ts";
import { CliError, dateFlag, definedOnly, issuesAsCliError, numberFlag, runCli } from "./cli-flags.ts";
import { generateRampTrace, rampOptionsSchema } from "./ramp-trace.ts";
import { formatTraceCsv } from "./trace-csv-format.ts";
import { flashCrowdEvents, generateTrace } from "./trace-generator.ts";
import { resolveTraceOptions } from "./trace-options.ts";

const USAGE = `Usage: npx tsx infra/traces/generate.ts [options] > trace.csv

Writes a synthetic load trace as timestamp,value CSV on stdout.

  --shape realistic|ramp   realistic (default): daily/weekly cycles, trend, noise, flash crowds;
                           ramp: flat, a linear ramp, flat again
  --seed N                 random seed (default 1); same flags and seed, same trace
  --start DATE             first timestamp, ISO-8601 (default 2026-01-05T00:00:00Z, a Monday)
  --step SECONDS           spacing of the points (default 60)
  --column NAME            name of the value column (default value)
realistic:
  --days N                 length in days (default 14)
  --base N                 level at a weekday evening peak on day one (default 100)
  --trend R                growth per day, 0.01 = +1 %/day (default 0.01)
  --noise S                log-normal noise standard deviation (default 0.08)
  --noise-minutes M        how long a noise deviation lingers (default 20)
  --flash-crowds N         number of flash crowds at random times (default 1)
  --flash-magnitude X      mean crest, x base level (default 1.5)
  --flash-rise M           mean rise time in minutes (default 5)
  --flash-decay M          mean decay time constant in minutes (default 30)
  --events-out FILE        also write the flash crowds as scheduled events (JSON), as an
                           operator who planned them would set them, for simulate --events
  --night-floor F          night trough as a share of the peak (default 0.2)
  --morning-peak H         local hour of the morning peak (default 9.5)
  --evening-peak H         local hour of the evening peak (default 20)
  --weekend-level F        weekend peaks relative to weekdays (default 0.6)
  --utc-offset H           audience's offset from UTC in hours (default 0)
ramp:
  --minutes N              length in minutes (default 60)
  --from X / --to X        level before / after the ramp (default 20 / 100)
  --ramp-at M              minute the ramp starts (default 20)
  --ramp-over M            ramp duration in minutes (default 10)
  --noise S                Gaussian noise as a share of the level (default 0)
`;

const numeric = [
  "seed",
  "step",
  "days",
  "base",
  "trend",
  "noise",
  "noise-minutes",
  "flash-crowds",
  "flash-magnitude",
  "flash-rise",
  "flash-decay",
  "night-floor",
  "morning-peak",
  "evening-peak",
  "weekend-level",
  "utc-offset",
  "minutes",
  "from",
  "to",
  "ramp-at",
  "ramp-over",
] as const;

const REALISTIC_FLAGS: Record<string, string> = {
  start: "start",
  days: "days",
  stepSeconds: "step",
  baseLevel: "base",
  trendPerDay: "trend",
  noise: "noise",
  noiseMinutes: "noise-minutes",
  flashCrowds: "flash-crowds",
  flashMagnitude: "flash-magnitude",
  flashRiseMinutes: "flash-rise",
  flashDecayMinutes: "flash-decay",
  "profile.nightFloor": "night-floor",
  "profile.morningPeakHour": "morning-peak",
  "profile.eveningPeakHour": "evening-peak",
  "profile.weekendLevel": "weekend-level",
  "profile.utcOffsetHours": "utc-offset",
};
const RAMP_FLAGS: Record<string, string> = {
  start: "start",
  minutes: "minutes",
  stepSeconds: "step",
  from: "from",
  to: "to",
  rampAtMinutes: "ramp-at",
  rampOverMinutes: "ramp-over",
  noise: "noise",
};

const numericOptions = Object.fromEntries(numeric.map((flag) => [flag, { type: "string" }])) as Record<
  (typeof numeric)[number],
  { type: "string" }
>;

function main(): void {
  const { values } = parseArgs({
    options: {
      shape: { type: "string", default: "realistic" },
      start: { type: "string" },
      column: { type: "string", default: "value" },
      "events-out": { type: "string" },
      help: { type: "boolean", default: false },
      ...numericOptions,
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const n = (flag: (typeof numeric)[number]): number | undefined => numberFlag(flag, values[flag]);
  const seed = n("seed") ?? 1;
  const start = dateFlag("start", values.start);
  if (!/^[A-Za-z_][\w-]*$/.test(values.column))
    throw new CliError(`--column: "${values.column}" must be a simple name (letters, digits, _ or -)`);
  let csv: string;
  if (values.shape === "realistic") {
    const profile = definedOnly({
      nightFloor: n("night-floor"),
      morningPeakHour: n("morning-peak"),
      eveningPeakHour: n("evening-peak"),
      weekendLevel: n("weekend-level"),
      utcOffsetHours: n("utc-offset"),
    });
    const input = definedOnly({
      start,
      days: n("days"),
      stepSeconds: n("step"),
      baseLevel: n("base"),
      trendPerDay: n("trend"),
      noise: n("noise"),
      noiseMinutes: n("noise-minutes"),
      flashCrowds: n("flash-crowds"),
      flashMagnitude: n("flash-magnitude"),
      flashRiseMinutes: n("flash-rise"),
      flashDecayMinutes: n("flash-decay"),
      profile,
    });
    const checked = resolveTraceOptions(input);
    if (!checked.ok) throw issuesAsCliError(checked.issues, REALISTIC_FLAGS);
    const trace = generateTrace(checked.value, seededRng(seed));
    csv = formatTraceCsv(trace.points, values.column);
    const eventsOut = values["events-out"];
    if (eventsOut !== undefined)
      writeFileSync(eventsOut, `${JSON.stringify(flashCrowdEvents(trace), null, 2)}\n`);
  } else if (values.shape === "ramp") {
    if (values["events-out"] !== undefined)
      throw new CliError("--events-out: a ramp has no flash crowds to schedule");
    const input = definedOnly({
      start,
      minutes: n("minutes"),
      stepSeconds: n("step"),
      from: n("from"),
      to: n("to"),
      rampAtMinutes: n("ramp-at"),
      rampOverMinutes: n("ramp-over"),
      noise: n("noise"),
    });
    const checked = validateWith(rampOptionsSchema, input);
    if (!checked.ok) throw issuesAsCliError(checked.issues, RAMP_FLAGS);
    csv = formatTraceCsv(generateRampTrace(checked.value, seededRng(seed)), values.column);
  } else {
    throw new CliError(`--shape: "${values.shape}" is not one of realistic, ramp`);
  }
  process.stdout.write(csv);
}

runCli("generate", main);
