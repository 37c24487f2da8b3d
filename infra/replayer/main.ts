import { parseArgs } from "node:util";
import { seededRng } from "../../contracts/index.ts";
import { realScheduler } from "../simulator/scheduler.ts";
import { CliError, dateFlag, numberFlag, runCli } from "../traces/cli-flags.ts";
import { formatTraceCsv } from "../traces/trace-csv-format.ts";
import { WORLD_CITIES } from "./cities.ts";
import { createClientMix } from "./client-mix.ts";
import { createHttpSender, parseTarget } from "./http-sender.ts";
import { formatProgressLine, formatSummary } from "./progress-format.ts";
import { RatePlan } from "./rate-plan.ts";
import { startReplay } from "./replayer.ts";
import { defaultReplayStart, loadTrace } from "./trace-source.ts";

const USAGE = `Usage: npx tsx infra/replayer/main.ts [options]

Plays a trace, time-compressed, as open-loop Poisson traffic from clients around the world
(x-lb-geo header) to a loopback target, printing live counters and a final summary.

  --target URL         where to send (default http://127.0.0.1:8787, the local stack's Worker)
  --path PATH          request path (default /)
  --csv FILE           play this timestamp,value CSV (default: a generated trace)
  --column NAME        value column of the CSV (default: the first after the time)
  --days N             generated trace length in days (default 14)
  --seed N             seed of the generated trace, arrivals and client picks (default 1)
  --flash-crowds N     flash crowds in the generated trace (default 1)
  --speed X            trace seconds played per real second (default 60: a trace minute a second)
  --peak-rps N         request rate at the trace's highest value (default 100)
  --start DATE         trace time to start at (default: 7 days in, or halfway for short traces)
  --duration SECONDS   real seconds to play (default: to the end of the trace)
  --loop               start the trace over when it ends (with no --duration: until Ctrl-C)
  --concurrency N      most requests in flight; arrivals beyond are dropped as "capped" (default 256)
  --timeout-ms N       wait at most this long for response headers, or for a stalled body (default 10000)
  --fixed-mix          keep each city's share constant instead of following the sun
  --report-every S     seconds between live lines on stderr, 0 for none (default 5)
  --json               print the final summary as JSON on stdout
  --backfill-hours H   send nothing: print the compressed history (timestamp,rps CSV) of the
                       H real hours before now that the replay would have produced, and exit
  --backfill-step S    step of the backfill in real seconds (default 5)
`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: Object.fromEntries([
      ...[
        "target",
        "path",
        "csv",
        "column",
        "days",
        "seed",
        "flash-crowds",
        "speed",
        "peak-rps",
        "start",
        "duration",
        "concurrency",
        "timeout-ms",
        "report-every",
        "backfill-hours",
        "backfill-step",
      ].map((flag) => [flag, { type: "string" as const }]),
      ...["loop", "fixed-mix", "json", "help"].map((flag) => [
        flag,
        { type: "boolean" as const, default: false },
      ]),
    ]) as Record<string, { type: "string" } | { type: "boolean"; default: false }>,
    strict: true,
  });
  const text = (flag: string): string | undefined =>
    typeof values[flag] === "string" ? values[flag] : undefined;
  const flag = (name: string): boolean => values[name] === true;
  const n = (name: string): number | undefined => numberFlag(name, text(name));
  if (flag("help")) {
    process.stdout.write(USAGE);
    return;
  }
  const seed = n("seed") ?? 1;
  const targetText = text("target") ?? "http://127.0.0.1:8787";
  try {
    parseTarget(targetText);
  } catch (error) {
    throw new CliError(`--target: ${error instanceof Error ? error.message : String(error)}`);
  }
  const path = text("path") ?? "/";
  if (!path.startsWith("/")) throw new CliError(`--path: "${path}" must start with /`);
  const csv = text("csv");
  const trace = await loadTrace(
    csv !== undefined
      ? { csv, ...(text("column") !== undefined ? { column: text("column") } : {}) }
      : { generate: { days: n("days") ?? 14, flashCrowds: n("flash-crowds") ?? 1 }, rng: seededRng(seed) },
  ).catch((error: unknown) => {
    throw new CliError(error instanceof Error ? error.message : String(error));
  });
  const durationSeconds = n("duration");
  let plan: RatePlan;
  try {
    plan = new RatePlan(trace.points, {
      speed: n("speed") ?? 60,
      peakRps: n("peak-rps") ?? 100,
      startAt: dateFlag("start", text("start")) ?? defaultReplayStart(trace.points),
      loop: flag("loop"),
      ...(durationSeconds !== undefined ? { durationMs: durationSeconds * 1000 } : {}),
    });
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error));
  }

  const backfillHours = n("backfill-hours");
  if (backfillHours !== undefined) {
    const points = plan.backfill({
      endAt: Date.now(),
      stepSeconds: n("backfill-step") ?? 5,
      historySeconds: backfillHours * 3600,
      rng: seededRng(seed + 1),
    });
    process.stdout.write(formatTraceCsv(points, "rps"));
    return;
  }

  const concurrency = n("concurrency") ?? 256;
  const timeoutMs = n("timeout-ms") ?? 10_000;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new CliError("--concurrency: must be an integer of at least 1");
  if (!(timeoutMs > 0)) throw new CliError("--timeout-ms: must be more than 0");
  const reportEvery = n("report-every") ?? 5;
  const sender = createHttpSender({ target: targetText, connections: concurrency, timeoutMs });
  const mix = createClientMix(WORLD_CITIES, { followSun: !flag("fixed-mix") });
  process.stderr.write(
    `replayer: ${trace.description}; from ${new Date(plan.options.startAt).toISOString()} at ${plan.options.speed}x, peak ${plan.options.peakRps} rps, to ${targetText}\n`,
  );
  const replay = startReplay({
    plan,
    mix,
    send: sender,
    scheduler: realScheduler(),
    rng: seededRng(seed),
    concurrency,
    path,
    ...(reportEvery > 0
      ? {
          reportEveryMs: reportEvery * 1000,
          onProgress: (p) => {
            process.stderr.write(`${formatProgressLine(p, reportEvery)}\n`);
          },
        }
      : {}),
  });
  const onSignal = (): void => {
    replay.stop();
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  // Timers are unref'd; keep the process alive until the replay is over.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  const summary = await replay.done;
  clearInterval(keepAlive);
  await sender.close();
  if (flag("json"))
    process.stdout.write(
      `${JSON.stringify({ ...summary, interval: undefined, byCity: Object.fromEntries(replay.stats.byCity), byStatus: Object.fromEntries(replay.stats.byStatus) })}\n`,
    );
  else process.stderr.write(`${formatSummary(summary, replay.stats.byCity)}\n`);
}

runCli("replayer", main);
