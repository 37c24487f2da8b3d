import type { Rng } from "../../contracts/index.ts";
import { exponential } from "../traces/random-variates.ts";
import type { Scheduler } from "./scheduler.ts";

/** How one origin serves: per replica, `workersPerReplica` servers sharing `capacityPerReplicaRps`,
 * and a waiting room that holds about `maxQueueDelayMs` of work at full capacity. */
export type QueueSettings = {
  workersPerReplica: number;
  capacityPerReplicaRps: number;
  maxQueueDelayMs: number;
};

/** What happened to one request. */
export type QueueOutcome =
  | { kind: "served"; waitMs: number; serviceMs: number }
  | { kind: "shed"; reason: "queue-full" | "scaled-down"; waitMs: number };

type Waiting = { arrivedAt: number; onDone: (outcome: QueueOutcome) => void; cancelled: boolean };

/** Time constant of the busy-fraction average exposed as CPU utilisation. */
const BUSY_AVERAGE_MS = 5_000;

/**
 * An M/M/c/K queue run event by event in (injected) time: c = serving replicas x workers per
 * replica, exponential service times with mean workers/capacity, FIFO waiting up to K =
 * ceil(capacity x maxQueueDelay); an arrival that finds the waiting room full is shed (503).
 * Running the queue rather than sampling the steady-state Erlang C law gives the transients a
 * real server has: a flash crowd builds a backlog that takes time to drain, a scale-up helps
 * only once the replicas are up, and latency and errors follow the load with the right lag.
 */
export class OriginQueue {
  /** Multiplies service times (the "slow" fault); 1 = normal. */
  slowFactor = 1;
  readonly #settings: QueueSettings;
  readonly #replicas: () => number;
  readonly #scheduler: Scheduler;
  readonly #rng: Rng;
  #busy = 0;
  #waiting: Waiting[] = [];
  #head = 0;
  #queued = 0;
  #busyAverage = 0;
  #busyNow = 0;
  #lastChange: number;

  constructor(options: { settings: QueueSettings; replicas: () => number; scheduler: Scheduler; rng: Rng }) {
    this.#settings = options.settings;
    this.#replicas = options.replicas;
    this.#scheduler = options.scheduler;
    this.#rng = options.rng;
    this.#lastChange = options.scheduler.now();
  }

  /** Servers able to take a request now. */
  get servers(): number {
    return this.#replicas() * this.#settings.workersPerReplica;
  }

  /** Requests being served now. */
  get busy(): number {
    return this.#busy;
  }

  /** Requests waiting now. */
  get queued(): number {
    return this.#queued;
  }

  /** Throughput of the serving replicas at full utilisation. */
  get capacityRps(): number {
    return this.#replicas() * this.#settings.capacityPerReplicaRps;
  }

  /** Most requests that may wait at once. */
  get queueLimit(): number {
    return Math.ceil((this.capacityRps * this.#settings.maxQueueDelayMs) / 1000);
  }

  /** Busy servers over all servers, averaged over the last few seconds (continuous-time EWMA,
   * exact for a piecewise-constant signal): what a CPU gauge would show. */
  busyFraction(): number {
    this.#settle();
    return this.#busyAverage;
  }

  /** Admits a request: it waits for a server (or is shed), then `onDone` reports the outcome.
   * The returned function withdraws a request that is still waiting (its client went away). */
  submit(onDone: (outcome: QueueOutcome) => void): () => void {
    const arrivedAt = this.#scheduler.now();
    if (this.#busy < this.servers && this.#queued === 0) {
      this.#serve(arrivedAt, onDone);
      return () => undefined;
    }
    if (this.#queued >= this.queueLimit) {
      onDone({ kind: "shed", reason: "queue-full", waitMs: 0 });
      return () => undefined;
    }
    const entry: Waiting = { arrivedAt, onDone, cancelled: false };
    this.#waiting.push(entry);
    this.#queued++;
    return () => {
      if (entry.cancelled) return;
      entry.cancelled = true;
      this.#queued--;
    };
  }

  /** Called when replicas change: more servers start waiting requests; fewer shrink the
   * waiting room, shedding the newest arrivals that no longer fit. */
  capacityChanged(): void {
    this.#settle();
    this.#pump();
    this.#markBusy();
    let excess = this.#queued - this.queueLimit;
    for (let i = this.#waiting.length - 1; excess > 0 && i >= this.#head; i--) {
      const entry = this.#waiting[i];
      if (!entry || entry.cancelled) continue;
      entry.cancelled = true;
      this.#queued--;
      excess--;
      entry.onDone({ kind: "shed", reason: "scaled-down", waitMs: this.#scheduler.now() - entry.arrivedAt });
    }
  }

  #serve(arrivedAt: number, onDone: (outcome: QueueOutcome) => void): void {
    this.#settle();
    this.#busy++;
    this.#markBusy();
    const startedAt = this.#scheduler.now();
    const meanSeconds = this.#settings.workersPerReplica / this.#settings.capacityPerReplicaRps;
    const serviceMs = exponential(this.#rng, 1 / meanSeconds) * 1000 * this.slowFactor;
    this.#scheduler.setTimer(serviceMs, () => {
      this.#settle();
      this.#busy--;
      this.#markBusy();
      onDone({ kind: "served", waitMs: startedAt - arrivedAt, serviceMs });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#queued > 0 && this.#busy < this.servers) {
      const entry = this.#waiting[this.#head++];
      if (!entry || entry.cancelled) continue;
      this.#queued--;
      this.#serve(entry.arrivedAt, entry.onDone);
    }
    // Compact the array now and then rather than shifting it on every dequeue.
    if (this.#head > 1024 && this.#head * 2 > this.#waiting.length) {
      this.#waiting = this.#waiting.slice(this.#head);
      this.#head = 0;
    }
  }

  /** Folds the time since the last change, at the busy fraction that held during it, into the
   * average. Call before changing `busy` or the servers; call `#markBusy` after. */
  #settle(): void {
    const now = this.#scheduler.now();
    const elapsed = now - this.#lastChange;
    if (elapsed <= 0) return;
    const alpha = 1 - Math.exp(-elapsed / BUSY_AVERAGE_MS);
    this.#busyAverage += alpha * (this.#busyNow - this.#busyAverage);
    this.#lastChange = now;
  }

  #markBusy(): void {
    const servers = this.servers;
    this.#busyNow = servers > 0 ? Math.min(1, this.#busy / servers) : this.#busy > 0 ? 1 : 0;
  }
}
