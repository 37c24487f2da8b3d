/** One benchmark of `npm run bench`: a file `infra/bench/<name>.bench.ts` whose default export is
 * this. `run` measures and returns the Markdown for its section of BENCHMARKS.md. */
export type Benchmark = {
  name: string;
  title: string;
  run(context: BenchmarkContext): Promise<string>;
};

export type BenchmarkContext = {
  /** Print a progress line (stderr), never into the report. */
  log(message: string): void;
  /** Shorter runs for a quick look (`npm run bench -- --quick`); the report says so. */
  quick: boolean;
  /** Folder of the real traces (../shared/data/traces), or null when it is not beside the project. */
  tracesDir: string | null;
};
