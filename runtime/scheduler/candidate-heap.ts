/** A binary min-heap of candidate hosts under a caller-supplied order. */
import { HostState } from "./host-state";

export class CandidateHeap {
  private readonly items: HostState[];

  constructor(items: HostState[], private readonly before: (a: HostState, b: HostState) => number) {
    this.items = items;
    for (let i = (items.length >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  peek(): HostState | undefined {
    return this.items[0];
  }

  pop(): void {
    const last = this.items.pop();
    if (last !== undefined && this.items.length > 0) {
      this.items[0] = last;
      this.siftDown(0);
    }
  }

  /** Restores the order after the top host's state changed. */
  topChanged(): void {
    this.siftDown(0);
  }

  private siftDown(i: number): void {
    const items = this.items;
    const n = items.length;
    const item = items[i];
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && this.before(items[right], items[left]) < 0 ? right : left;
      if (this.before(items[child], item) >= 0) break;
      items[i] = items[child];
      i = child;
    }
    items[i] = item;
  }
}
