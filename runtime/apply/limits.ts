/**
 * A bound per host inside a bound over the fleet. A call takes its host's slot before a
 * fleet-wide one: a call waiting for its busy host holds no slot that other hosts could
 * use, so a thousand hosts all work at once whatever order their calls come in.
 */
import pLimit from "p-limit";

export class HostLimit {
  private readonly hosts = new Map<string, ReturnType<typeof pLimit>>();
  private readonly fleet: ReturnType<typeof pLimit>;
  private inFlight = 0;

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
      return await host(() => this.fleet(call));
    } finally {
      this.inFlight--;
    }
  }

  /** No call is running or waiting for a slot. */
  idle(): boolean {
    return this.inFlight === 0;
  }
}
