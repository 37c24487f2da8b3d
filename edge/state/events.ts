/** A state change worth an operator's attention, shown on /__lb/status. */
export type EdgeEvent = {
  at: number;
  kind:
    | "ejected"
    | "restored"
    | "ejection-capped"
    | "panic"
    | "panic-over"
    | "retry-budget-exhausted"
    | "health-changed";
  origin?: string;
  detail: string;
};

/** The most recent events of this isolate, in a bounded ring; a repeat of the same kind for the
 * same origin within `quietMs` is counted, not logged again, so a storm cannot flood it. */
export class EventLog {
  private readonly entries: EdgeEvent[] = [];
  private readonly lastSeen = new Map<string, number>();
  constructor(
    private readonly capacity = 200,
    private readonly quietMs = 10_000,
  ) {}

  /** Records an event; returns false when it was a quiet repeat. */
  record(event: EdgeEvent): boolean {
    const key = `${event.kind}\u0000${event.origin ?? ""}`;
    const last = this.lastSeen.get(key);
    if (last !== undefined && event.at - last < this.quietMs && event.at >= last) return false;
    this.lastSeen.set(key, event.at);
    this.entries.push(event);
    if (this.entries.length > this.capacity) this.entries.shift();
    return true;
  }

  /** Events, newest last. */
  list(): readonly EdgeEvent[] {
    return this.entries;
  }
}
