/** What covering a forecast excursion is weighed against. */
export type ExcursionPrices = {
  /** Replica-minutes one minute above the target is worth, whatever the shortfall. */
  perMinute: number;
  /** Replica-minutes each missing replica is worth per minute (above 1, so an excursion that
   * lasts long enough is always covered, however tall). */
  perMissingReplica: number;
};

/** The replica need over the time ahead, one entry per step from the lead on. */
export type NeedProfile = { needs: readonly number[]; stepMinutes: number };

/**
 * The replicas worth holding at the start of a need profile, given `current` replicas and the
 * minutes each added replica is paid beyond the time it is needed (`addMinutes`: it is asked for
 * a lead ahead and released a cooldown after; the same whenever it is asked for, since the
 * policy always acts a lead ahead). Minimises, over replica profiles s(t) starting from the level
 * chosen now,
 *   Σ s(t)·Δt + added replicas x their add cost
 *     + Σ [s(t) < need(t)] · (perMinute + perMissingReplica · (need(t) - s(t))) · Δt
 * by dynamic programming over the replica count (releasing replicas is free: the cooldown is
 * charged when they are added). The first term is what the fleet pays, the last what running
 * short costs. So a tall, short forecast spike (a few minutes that would need many replicas
 * booted ahead and held through a cooldown) is left to the edge's spill, while a rise that lasts
 * is covered whatever its height. Never returns less than `current`: releasing replicas is the
 * scale-in rule's business.
 */
export function levelWorthHolding(
  profile: NeedProfile,
  current: number,
  prices: ExcursionPrices,
  addMinutes: number,
): number {
  const { needs, stepMinutes: dt } = profile;
  const top = needs.reduce((most, n) => Math.max(most, n), current);
  if (top <= current) return current;
  // value[k]: the cheapest cost from the current step to the end when holding k replicas now.
  let value = new Float64Array(top + 1);
  let next = new Float64Array(top + 1);
  const rising = new Float64Array(top + 2);
  for (let i = needs.length - 1; i >= 0; i--) {
    const need = needs[i] ?? 0;
    // Best continuation from k: fall to any k' <= k for free, or rise to k' > k paying the adds.
    rising[top + 1] = Number.POSITIVE_INFINITY;
    for (let k = top; k >= 0; k--)
      rising[k] = Math.min(rising[k + 1] ?? Number.POSITIVE_INFINITY, (value[k] ?? 0) + addMinutes * k);
    let falling = Number.POSITIVE_INFINITY;
    for (let k = 0; k <= top; k++) {
      falling = Math.min(falling, value[k] ?? 0);
      const continuation = Math.min(falling, (rising[k] ?? 0) - addMinutes * k);
      const short = k < need ? prices.perMinute + prices.perMissingReplica * (need - k) : 0;
      next[k] = (k + short) * dt + continuation;
    }
    [value, next] = [next, value];
  }
  let best = current;
  let bestCost = value[current] ?? 0;
  for (let k = current + 1; k <= top; k++) {
    const cost = (value[k] ?? 0) + addMinutes * (k - current);
    if (cost < bestCost - 1e-9) {
      best = k;
      bestCost = cost;
    }
  }
  return best;
}
