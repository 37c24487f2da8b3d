/** The outcome of a replay, as `simulate --json` prints it. */
export type ElasticityReport = {
  sloViolationMinutes: number;
  overProvisionedReplicaMinutes: number;
  replicaMinutes: number;
  scalingActions: number;
  thetaU: number;
  thetaO: number;
  tauU: number;
  tauO: number;
};

/**
 * Accumulates the replay's cost and accuracy. Demand d_t is the replicas needed to carry the
 * load at the target utilisation (at least 1); supply s_t is the replicas serving. The SPEC RG
 * elasticity metrics (Herbst et al., "Ready for Rain?", SPEC-RG-2016-01) are percentages over
 * the replay's duration T:
 *   θU = 100/T Σ max(d_t - s_t, 0)/d_t Δt   θO = 100/T Σ max(s_t - d_t, 0)/d_t Δt
 *   τU = 100/T Σ [d_t > s_t] Δt             τO = 100/T Σ [s_t > d_t] Δt
 * A moment violates the SLO while the load exceeds `violationUtilization` of the serving
 * capacity (by default the SLO's own target, so violation and under-provisioning coincide);
 * overload minutes count the load above the whole serving capacity. Replica-minutes count every
 * replica paid for (booting ones too), over-provisioned replica-minutes those beyond d_t.
 */
export class ElasticityMeter {
  private seconds = 0;
  private violationSeconds = 0;
  private overloadSeconds = 0;
  private replicaSeconds = 0;
  private overSeconds = 0;
  private underAccuracy = 0;
  private overAccuracy = 0;
  private underTime = 0;
  private overTime = 0;

  constructor(
    private readonly perReplica: number,
    private readonly targetUtilization: number,
    private readonly violationUtilization: number,
  ) {}

  /** Replicas needed for `load` at the target utilisation (at least one). */
  demandReplicas(load: number): number {
    return Math.max(1, Math.ceil(load / (this.perReplica * this.targetUtilization) - 1e-9));
  }

  /** Adds `dt` seconds at `load` rps with `serving` replicas serving and `provisioned` paid for. */
  add(dt: number, load: number, serving: number, provisioned: number): void {
    const demand = this.demandReplicas(load);
    this.seconds += dt;
    if (load > serving * this.perReplica * this.violationUtilization) this.violationSeconds += dt;
    if (load > serving * this.perReplica) this.overloadSeconds += dt;
    this.replicaSeconds += provisioned * dt;
    this.overSeconds += Math.max(0, provisioned - demand) * dt;
    if (demand > serving) {
      this.underAccuracy += ((demand - serving) / demand) * dt;
      this.underTime += dt;
    } else if (serving > demand) {
      this.overAccuracy += ((serving - demand) / demand) * dt;
      this.overTime += dt;
    }
  }

  /** Minutes during which the load exceeded the whole serving capacity. */
  get overloadMinutes(): number {
    return Math.round((this.overloadSeconds / 60) * 1000) / 1000;
  }

  report(scalingActions: number): ElasticityReport {
    const T = Math.max(this.seconds, 1e-9);
    const r = (x: number) => Math.round(x * 1000) / 1000;
    return {
      sloViolationMinutes: r(this.violationSeconds / 60),
      overProvisionedReplicaMinutes: r(this.overSeconds / 60),
      replicaMinutes: r(this.replicaSeconds / 60),
      scalingActions,
      thetaU: r((100 * this.underAccuracy) / T),
      thetaO: r((100 * this.overAccuracy) / T),
      tauU: r((100 * this.underTime) / T),
      tauO: r((100 * this.overTime) / T),
    };
  }
}
