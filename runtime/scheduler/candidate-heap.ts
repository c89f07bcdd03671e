/** A binary min-heap of candidate hosts, by position, under a caller-supplied order. */
export class CandidateHeap {
  private size: number;

  constructor(private readonly items: Int32Array, private readonly before: (a: number, b: number) => number) {
    this.size = items.length;
    for (let i = (this.size >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  /** The first host, or -1 when none is left. */
  top(): number {
    return this.size > 0 ? this.items[0] : -1;
  }

  pop(): void {
    if (this.size === 0) return;
    this.items[0] = this.items[--this.size];
    this.siftDown(0);
  }

  /** Restores the order after the top host's tier or score changed. */
  topChanged(): void {
    this.siftDown(0);
  }

  private siftDown(i: number): void {
    const { items, size, before } = this;
    const item = items[i];
    for (;;) {
      const left = 2 * i + 1;
      if (left >= size) break;
      const right = left + 1;
      const child = right < size && before(items[right], items[left]) < 0 ? right : left;
      if (before(items[child], item) >= 0) break;
      items[i] = items[child];
      i = child;
    }
    items[i] = item;
  }
}
