/**
 * Closed forms of the M/M/c queue (Poisson arrivals at rate λ, c servers, exponential service at
 * rate μ each), after Kleinrock, "Queueing Systems" vol. 1, §3.5 and §3.7. The simulator does
 * not sample from these: it runs the queue event by event. They are the yardstick its tests
 * check it against, and a quick way to size a fleet.
 */

/** Erlang C: the probability that an arrival must wait, for offered load a = λ/μ on c servers.
 * Computed through the Erlang B recursion, which stays stable for large c. Needs a < c. */
export function erlangC(servers: number, offeredLoad: number): number {
  if (servers <= 0) return 1;
  if (offeredLoad >= servers) return 1;
  let blocking = 1;
  for (let k = 1; k <= servers; k++) blocking = (offeredLoad * blocking) / (k + offeredLoad * blocking);
  const rho = offeredLoad / servers;
  return blocking / (1 - rho * (1 - blocking));
}

/** Mean time in the system (wait + service), in seconds, of the unbounded M/M/c queue; Infinity
 * at or past saturation. */
export function mmcMeanResponseSeconds(arrivalRate: number, serviceRate: number, servers: number): number {
  if (arrivalRate >= servers * serviceRate) return Number.POSITIVE_INFINITY;
  const wait = erlangC(servers, arrivalRate / serviceRate) / (servers * serviceRate - arrivalRate);
  return wait + 1 / serviceRate;
}

/** Steady state of the M/M/c/K queue (at most `queueLimit` waiting beyond the c in service). */
export type BoundedQueueState = {
  blocking: number;
  meanWaitSeconds: number;
  meanResponseSeconds: number;
  utilization: number;
};

/** Stationary blocking probability and mean times of M/M/c/K, valid past saturation too (the
 * bounded queue sheds what it cannot hold). Works in log space so long queues do not overflow. */
export function mmckSteadyState(
  arrivalRate: number,
  serviceRate: number,
  servers: number,
  queueLimit: number,
): BoundedQueueState {
  const capacity = servers + queueLimit;
  const a = arrivalRate / serviceRate;
  const logTerms: number[] = [0];
  for (let n = 1; n <= capacity; n++)
    logTerms.push((logTerms[n - 1] ?? 0) + Math.log(a / Math.min(n, servers)));
  const peak = Math.max(...logTerms);
  const weights = logTerms.map((log) => Math.exp(log - peak));
  const total = weights.reduce((sum, w) => sum + w, 0);
  const p = weights.map((w) => w / total);
  const blocking = p[capacity] ?? 0;
  let waiting = 0;
  let busy = 0;
  p.forEach((pn, n) => {
    waiting += Math.max(0, n - servers) * pn;
    busy += Math.min(n, servers) * pn;
  });
  const admitted = arrivalRate * (1 - blocking);
  const meanWaitSeconds = admitted > 0 ? waiting / admitted : 0;
  return {
    blocking,
    meanWaitSeconds,
    meanResponseSeconds: meanWaitSeconds + 1 / serviceRate,
    utilization: servers > 0 ? busy / servers : 1,
  };
}
