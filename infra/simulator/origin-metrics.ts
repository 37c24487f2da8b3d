import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { ORIGIN_METRICS } from "../../contracts/index.ts";

/** What the gauges read at each scrape. */
export type OriginGaugeSource = {
  replicas(): number;
  desiredReplicas(): number;
  bootingReplicas(): number;
  capacityRps(): number;
  busyFraction(): number;
  queued(): number;
  inService(): number;
};

/** Latency buckets fine enough around 10 ms to 2 s for the predictor's p95 interpolation. */
export const LATENCY_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10,
];

/** One origin's Prometheus metrics, in its own registry (a fleet runs many in one process). */
export class OriginMetrics {
  readonly registry = new Registry();
  readonly #requests: Counter<"code">;
  readonly #duration: Histogram;

  constructor(source: OriginGaugeSource) {
    const registers = [this.registry];
    this.#requests = new Counter({
      name: ORIGIN_METRICS.requests,
      help: "Requests answered by the simulated application, by status code.",
      labelNames: ["code"],
      registers,
    });
    this.#duration = new Histogram({
      name: ORIGIN_METRICS.requestDuration,
      help: "Time from arrival to response of application requests (queueing plus service), in seconds.",
      buckets: LATENCY_BUCKETS,
      registers,
    });
    const gauge = (name: string, help: string, read: () => number): void => {
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read());
        },
      });
    };
    gauge(ORIGIN_METRICS.replicas, "Replicas serving requests.", () => source.replicas());
    gauge(
      ORIGIN_METRICS.capacityRps,
      "Requests per second the serving replicas can take at full utilisation.",
      () => source.capacityRps(),
    );
    gauge(ORIGIN_METRICS.cpu, "Share of the serving capacity busy, averaged over about 5 s (0..1).", () =>
      source.busyFraction(),
    );
    gauge("origin_replicas_desired", "Replicas asked for (serving plus booting).", () =>
      source.desiredReplicas(),
    );
    gauge("origin_replicas_booting", "Replicas started but not serving yet.", () => source.bootingReplicas());
    gauge("origin_queue_depth", "Requests waiting for a server.", () => source.queued());
    gauge("origin_inflight", "Requests being served.", () => source.inService());
  }

  /** Counts one answered application request and observes its latency. */
  observe(status: number, seconds: number): void {
    this.#requests.inc({ code: String(status) });
    this.#duration.observe(seconds);
  }

  /** The exposition text and its content type. */
  async render(): Promise<{ body: string; contentType: string }> {
    return { body: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}
