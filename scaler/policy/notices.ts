import type { Decision, SloMode } from "../../contracts/index.ts";
import type { PolicyState } from "./types.ts";

/**
 * Standing conditions worth telling an operator (no capacity sample, at the replica ceiling, a
 * request that never landed). Each is recorded as a `hold` decision when it appears, not on every
 * evaluation (its numbers may drift), and forgotten once it clears, so it is recorded again if it
 * returns.
 */
export class NoticeBoard {
  readonly decisions: Decision[] = [];
  /** Reasons of the notices that appeared in this evaluation. */
  readonly reports: string[] = [];
  private readonly raised = new Set<string>();

  constructor(
    private readonly state: PolicyState,
    private readonly at: string,
  ) {}

  /** Raises a notice; a new one becomes a hold decision. */
  raise(key: string, pool: string, mode: SloMode, reason: string, origin?: string): void {
    this.raised.add(key);
    if (this.state.notices[key] !== undefined) return;
    this.state.notices[key] = reason;
    this.reports.push(reason);
    this.decisions.push({
      id: `${this.state.evaluations}-hold-${key}`,
      at: this.at,
      pool,
      mode,
      action: "hold",
      reason,
      applied: false,
      ...(origin !== undefined ? { origin } : {}),
    });
  }

  /** Raises a notice no pool can be named for: reported for the log, never a decision. */
  report(key: string, reason: string): void {
    this.raised.add(key);
    if (this.state.notices[key] !== undefined) return;
    this.state.notices[key] = reason;
    this.reports.push(reason);
  }

  /** Forgets the notices not raised in this evaluation. */
  settle(): void {
    this.state.notices = Object.fromEntries(
      Object.entries(this.state.notices).filter(([key]) => this.raised.has(key)),
    );
  }
}
