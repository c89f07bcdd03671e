/**
 * A bound per host inside a bound over the fleet. A call takes its host's slot before a
 * fleet-wide one: a call waiting for its busy host holds no slot that other hosts could
 * use, so a thousand hosts all work at once whatever order their calls come in.
 */
import pLimit from "p-limit";

/** Calls begun per turn of the event loop (see paced). */
const BURST = 64;

export class HostLimit {
  private readonly hosts = new Map<string, ReturnType<typeof pLimit>>();
  private readonly fleet: ReturnType<typeof pLimit>;
  private inFlight = 0;
  private startedThisTurn = 0;

  constructor(
    /** Calls in flight on one host. */
    readonly perHost: number,
    /** Calls in flight over all hosts. */
    readonly overall: number,
  ) {
    this.fleet = pLimit(overall);
  }

  async run<T>(node: string, call: () => Promise<T>): Promise<T> {
    let host = this.hosts.get(node);
    if (!host) this.hosts.set(node, (host = pLimit(this.perHost)));
    this.inFlight++;
    try {
      return await host(() => this.fleet(async () => (await this.paced(), call())));
    } finally {
      this.inFlight--;
    }
  }

  /**
   * At most BURST calls begin per turn of the event loop. Requests go out only when the
   * turn that built them ends: a thousand begun at once sent nothing until all were built.
   */
  private async paced(): Promise<void> {
    if (this.startedThisTurn === 0) setImmediate(() => (this.startedThisTurn = 0));
    if (++this.startedThisTurn <= BURST) return;
    await new Promise((resolve) => setImmediate(resolve));
    return this.paced();
  }

  /** No call is running or waiting for a slot. */
  idle(): boolean {
    return this.inFlight === 0;
  }
}
