/** A binary min-heap of timed events: the clock of a discrete-event simulation. */
export class EventQueue<T> {
  private readonly times: number[] = [];
  private readonly items: T[] = [];

  get size(): number {
    return this.times.length;
  }

  push(time: number, item: T): void {
    this.times.push(time);
    this.items.push(item);
    let i = this.times.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((this.times[parent] ?? 0) <= time) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** The earliest event, or null when none is left. */
  pop(): { time: number; item: T } | null {
    const time = this.times[0];
    const item = this.items[0];
    if (time === undefined || item === undefined) return null;
    const lastTime = this.times.pop() ?? 0;
    const lastItem = this.items.pop() as T;
    if (this.times.length > 0) {
      this.times[0] = lastTime;
      this.items[0] = lastItem;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < this.times.length && (this.times[left] ?? 0) < (this.times[smallest] ?? 0))
          smallest = left;
        if (right < this.times.length && (this.times[right] ?? 0) < (this.times[smallest] ?? 0))
          smallest = right;
        if (smallest === i) break;
        this.swap(i, smallest);
        i = smallest;
      }
    }
    return { time, item };
  }

  private swap(a: number, b: number): void {
    const t = this.times[a] ?? 0;
    this.times[a] = this.times[b] ?? 0;
    this.times[b] = t;
    const x = this.items[a] as T;
    this.items[a] = this.items[b] as T;
    this.items[b] = x;
  }
}
