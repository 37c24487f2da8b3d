import cliProgress from "cli-progress";

/** Shows one training run's progress. */
export type ProgressReporter = { update(fraction: number, label: string): void; stop(summary: string): void };

/** Least time between two progress log lines when not on a terminal. */
const LOG_EVERY_MS = 10_000;

/**
 * A progress bar (cli-progress) when `stream` is a terminal, else log lines: one at the start,
 * one at most every 10 s while running, one with the outcome.
 */
export function progressReporter(
  stream: NodeJS.WriteStream,
  title: string,
  clock: () => number = () => performance.now(),
): ProgressReporter {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: `${title} [{bar}] {percentage}% | {label}`,
        hideCursor: true,
        clearOnComplete: false,
        etaBuffer: 20,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(100, 0, { label: "starting" });
    return {
      update(fraction, label) {
        bar.update(Math.round(fraction * 100), { label });
      },
      stop(summary) {
        bar.update({ label: summary });
        bar.stop();
      },
    };
  }
  const started = clock();
  let lastLog = -Infinity;
  const write = (line: string) => {
    stream.write(`${title}: ${line}\n`);
  };
  write("started");
  return {
    update(fraction, label) {
      if (clock() - lastLog < LOG_EVERY_MS) return;
      lastLog = clock();
      write(`${Math.round(fraction * 100)}% ${label}`);
    },
    stop(summary) {
      write(`${summary} (${((clock() - started) / 1000).toFixed(1)} s)`);
    },
  };
}
