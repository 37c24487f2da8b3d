/** Time and timers, injected so the simulator and the replayer run in real time in the stack and
 * in virtual time in tests (time moves only when a test advances it). */
export type Scheduler = {
  /** Current time in epoch milliseconds (fractional in real time). */
  now(): number;
  /** Runs `fn` after `delayMs`; the returned function cancels it. */
  setTimer(delayMs: number, fn: () => void): () => void;
};

/** Real time: a sub-millisecond clock and Node's timers. Timers are unref'd so a pending
 * simulated delay never keeps a finished process alive. */
export function realScheduler(): Scheduler {
  return {
    now: () => performance.timeOrigin + performance.now(),
    setTimer(delayMs, fn) {
      const timer = setTimeout(fn, Math.max(0, delayMs));
      timer.unref();
      return () => {
        clearTimeout(timer);
      };
    },
  };
}

/** A virtual-time scheduler for tests and offline simulation. */
export type VirtualScheduler = Scheduler & {
  /** Moves time forward by `ms`, running every timer that falls due, in time order. */
  advance(ms: number): void;
  /** Number of timers still pending. */
  pending(): number;
};

type VirtualTimer = { due: number; seq: number; fn: () => void; cancelled: boolean };

/** Creates a virtual-time scheduler starting at `startMs`. Timers due at the same instant run in
 * the order they were set, as Node's do. */
export function virtualScheduler(startMs = Date.UTC(2026, 0, 1)): VirtualScheduler {
  let now = startMs;
  let seq = 0;
  // Kept sorted by (due, seq); tests hold few timers at once, so insertion is cheap enough.
  const timers: VirtualTimer[] = [];
  const insert = (timer: VirtualTimer): void => {
    let lo = 0;
    let hi = timers.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const other = timers[mid];
      if (other && (other.due < timer.due || (other.due === timer.due && other.seq < timer.seq)))
        lo = mid + 1;
      else hi = mid;
    }
    timers.splice(lo, 0, timer);
  };
  return {
    now: () => now,
    setTimer(delayMs, fn) {
      const timer: VirtualTimer = { due: now + Math.max(0, delayMs), seq: seq++, fn, cancelled: false };
      insert(timer);
      return () => {
        timer.cancelled = true;
      };
    },
    advance(ms) {
      const target = now + ms;
      for (;;) {
        const next = timers[0];
        if (!next || next.due > target) break;
        timers.shift();
        if (next.cancelled) continue;
        now = next.due;
        next.fn();
      }
      now = target;
    },
    pending: () => timers.filter((timer) => !timer.cancelled).length,
  };
}
