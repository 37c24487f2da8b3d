/** The parts of the stack, in start order. */
export const STACK_PARTS = ["redis", "origins", "edge", "traffic", "predictor", "scaler"] as const;
export type StackPart = (typeof STACK_PARTS)[number];

type ExitStatus = { code: number | null; signal: NodeJS.Signals | null };

/**
 * What every phase of `startStack` shares: the steps that undo what has started (run in reverse
 * by `stop`, also when a later phase fails), the timing of each part, the start's abort signal,
 * and the one `failure` promise a part that dies while the stack runs resolves.
 */
export class StackLifecycle {
  readonly timings: Partial<Record<StackPart, number>> = {};
  readonly failure: Promise<Error>;
  private readonly undo: (() => Promise<unknown>)[] = [];
  private stopping = false;
  private reportFailure: (error: Error) => void = () => undefined;

  constructor(
    private readonly hooks: {
      onReady?: (part: StackPart, detail: string, elapsedMs: number) => void;
      log?: (part: "stack", line: string) => void;
      signal?: AbortSignal;
    },
  ) {
    this.failure = new Promise<Error>((resolve) => {
      this.reportFailure = resolve;
    });
  }

  /** Registers how to stop what just started. */
  onStop(step: () => Promise<unknown>): void {
    this.undo.push(step);
  }

  /** Records that `part` is up (timed from `started`, a performance.now()) and tells the observer. */
  ready(part: StackPart, started: number, detail: string): void {
    const elapsed = performance.now() - started;
    this.timings[part] = elapsed;
    this.hooks.onReady?.(part, detail, elapsed);
  }

  /** Throws when the start was interrupted, so the phases stop between parts. */
  checkAborted(): void {
    if (this.hooks.signal?.aborted === true) throw new Error("the start was interrupted");
  }

  /** Reports `exited` as the stack's failure if it comes before `stop()` began. */
  watchExit(exited: Promise<ExitStatus>, describe: (status: ExitStatus) => string): void {
    void exited.then((status) => {
      if (!this.stopping) this.reportFailure(new Error(describe(status)));
    });
  }

  /** Stops everything started so far, last first; a step that fails is logged, not thrown. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const step of this.undo.splice(0).reverse())
      await step().catch((error: unknown) => {
        this.hooks.log?.(
          "stack",
          `while stopping: ${error instanceof Error ? error.message : String(error)}`,
        );
      });
  }
}
