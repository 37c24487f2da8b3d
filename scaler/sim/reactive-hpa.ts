/** The Kubernetes HorizontalPodAutoscaler's defaults (autoscaling/v2). */
export const HPA_DEFAULTS = {
  syncSeconds: 15,
  tolerance: 0.1,
  scaleDownStabilizationSeconds: 300,
  scaleUpStabilizationSeconds: 0,
  /** Scale-up policies, the larger wins: +100 % or +4 pods per 15 s. */
  scaleUpPercent: 100,
  scaleUpPods: 4,
  scaleUpPeriodSeconds: 15,
  /** Scale-down policy: -100 % per 15 s (no limit beyond the stabilisation window). */
  scaleDownPercent: 100,
  scaleDownPeriodSeconds: 15,
} as const;

/** What the HPA sees at a sync: replicas in the spec, ready and not-yet-ready pods, the load. */
export type HpaObservation = {
  now: number;
  specReplicas: number;
  ready: number;
  unready: number;
  load: number;
};

/**
 * The HPA's replica calculation and default behaviour, after the Kubernetes controller
 * (pkg/controller/podautoscaler): desired = ceil(pods x utilisation / target); no change within
 * the 10 % tolerance; on scale-up, pods not yet ready count as 0 % busy, and a scale-up that
 * this reverses or brings within tolerance is skipped; scale-down takes the highest
 * recommendation of the last 300 s; scale-up is limited per 15 s to the larger of +100 % and
 * +4 pods. A pod's utilisation is its share of the load over its capacity, saturating at 100 %
 * (an overloaded pod cannot report more CPU than it has).
 */
export class ReactiveHpa {
  private recommendations: { at: number; replicas: number }[] = [];
  private scaleEvents: { at: number; change: number }[] = [];

  constructor(
    private readonly perReplica: number,
    private readonly target: number,
    private readonly minReplicas: number,
    private readonly maxReplicas: number,
  ) {}

  /** The spec replicas after this sync (unchanged when the HPA holds). */
  sync(o: HpaObservation): number {
    const proposal = this.proposal(o);
    this.recommendations.push({ at: o.now, replicas: proposal });
    this.recommendations = this.recommendations.filter(
      (r) => o.now - r.at <= HPA_DEFAULTS.scaleDownStabilizationSeconds * 1000,
    );
    const upWindow = this.recommendations.filter(
      (r) => o.now - r.at <= HPA_DEFAULTS.scaleUpStabilizationSeconds * 1000,
    );
    const up = Math.min(...upWindow.map((r) => r.replicas));
    const down = Math.max(...this.recommendations.map((r) => r.replicas));
    let desired = o.specReplicas;
    if (up > desired) desired = up;
    if (down < desired) desired = down;
    desired = this.limitRate(desired, o);
    desired = Math.min(this.maxReplicas, Math.max(this.minReplicas, desired));
    if (desired !== o.specReplicas) this.scaleEvents.push({ at: o.now, change: desired - o.specReplicas });
    return desired;
  }

  /** The replica count the metric alone asks for. */
  private proposal(o: HpaObservation): number {
    if (o.ready === 0) return o.specReplicas;
    const utilisation = Math.min(1, o.load / (o.ready * this.perReplica));
    const ratio = utilisation / this.target;
    if (Math.abs(ratio - 1) <= HPA_DEFAULTS.tolerance) return o.specReplicas;
    if (ratio > 1 && o.unready > 0) {
      const pods = o.ready + o.unready;
      const adjusted = (utilisation * o.ready) / pods / this.target;
      if (adjusted <= 1 || Math.abs(adjusted - 1) <= HPA_DEFAULTS.tolerance) return o.specReplicas;
      return Math.ceil(adjusted * pods);
    }
    return Math.ceil(ratio * o.ready);
  }

  /** Scale-up policies: within each 15 s period, at most max(+100 %, +4 pods) over the count at
   * the period's start; scale-down is limited to -100 % (no limit). */
  private limitRate(desired: number, o: HpaObservation): number {
    if (desired <= o.specReplicas) return desired;
    const period = HPA_DEFAULTS.scaleUpPeriodSeconds * 1000;
    const added = this.scaleEvents
      .filter((e) => o.now - e.at < period && e.change > 0)
      .reduce((sum, e) => sum + e.change, 0);
    const base = o.specReplicas - added;
    const limit = Math.max(
      base + HPA_DEFAULTS.scaleUpPods,
      Math.ceil(base * (1 + HPA_DEFAULTS.scaleUpPercent / 100)),
    );
    return Math.min(desired, limit);
  }
}
