/** One origin's replicas in a replay: those serving, and those booting until `readyAt`. */
export class SimulatedFleet {
  private servingCount: number;
  private booting: number[] = [];
  private desiredCount: number;
  /** Number of times the desired replica count changed (a scale call). */
  actions = 0;

  constructor(
    initial: number,
    private readonly bootMs: number,
  ) {
    this.servingCount = initial;
    this.desiredCount = initial;
  }

  /** Moves time to `now`: booted replicas start serving. */
  advance(now: number): void {
    const ready = this.booting.filter((t) => t <= now).length;
    if (ready === 0) return;
    this.servingCount += ready;
    this.booting = this.booting.filter((t) => t > now);
  }

  get serving(): number {
    return this.servingCount;
  }

  get bootingCount(): number {
    return this.booting.length;
  }

  /** Replicas paid for: serving plus booting. */
  get provisioned(): number {
    return this.servingCount + this.booting.length;
  }

  get desired(): number {
    return this.desiredCount;
  }

  /** Sets the replica count, as a platform does: new replicas boot for the boot delay; removed
   * ones go at once, the still-booting first (as a Deployment deletes unready pods first). */
  setDesired(replicas: number, now: number): void {
    const target = Math.max(0, Math.round(replicas));
    if (target === this.desiredCount) return;
    this.actions++;
    this.desiredCount = target;
    const total = this.provisioned;
    if (target > total) {
      for (let i = total; i < target; i++) this.booting.push(now + this.bootMs);
      return;
    }
    let remove = total - target;
    const fromBooting = Math.min(remove, this.booting.length);
    this.booting.sort((a, b) => a - b).splice(this.booting.length - fromBooting, fromBooting);
    remove -= fromBooting;
    this.servingCount -= remove;
  }
}
