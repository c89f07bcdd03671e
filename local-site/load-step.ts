/**
 * A load step through the local site's entry tier, for the controller's fleet test and its
 * benchmark: live traffic at a base rate, then `factor` times that rate at once, and the
 * time until the entry tier routes to the new containers, read from each entry container's
 * own `upstream_show` (what nginx-upsync-module shows), not from dcp's view of itself.
 *
 * Bounded like every generator here (traffic.ts): loopback and the site's own addresses,
 * MAX_RATE per generator, a hard limit on the run's length.
 */
import { readPage, upstreamShowServers } from "../runtime/discovery/consumers";
import { CatalogTargets, Traffic, TrafficReport } from "./traffic";
import { LocalSite } from "./types";

export interface LoadStepOptions {
  /** The entry pool's service in the catalog (its traffic port). */
  entryService: string;
  /** The upstream the load goes to (the Host header the entry tier routes by). */
  upstream: string;
  /** Requests per second before the step. */
  baseRate: number;
  /** The step: the rate becomes factor × baseRate. */
  factor: number;
  /** Status URLs (`…/upstream_show`) of the entry containers. */
  statusUrls: () => Promise<string[]>;
  /** The longest any run may take, in seconds. Default 300. */
  maxSeconds?: number;
}

export class LoadStep {
  private readonly targets: CatalogTargets;
  private readonly generators: Traffic[] = [];
  private steppedAt?: number;

  constructor(private readonly site: LocalSite, private readonly options: LoadStepOptions) {
    this.targets = new CatalogTargets(site, options.entryService);
  }

  /** Sends the base load once `entries` entry containers are in the catalog. */
  async start(entries: number): Promise<void> {
    await this.targets.ready(entries);
    this.generators.push(this.traffic(this.options.baseRate));
  }

  /** Raises the load to factor × base at once (a second generator beside the first). */
  step(): void {
    this.steppedAt = Date.now();
    this.generators.push(this.traffic(this.options.baseRate * (this.options.factor - 1)));
  }

  /** Lowers the load back to the base rate. */
  async fall(): Promise<TrafficReport> {
    const extra = this.generators.pop()!;
    return extra.stop();
  }

  /**
   * Seconds from the step until every entry container routes to at least `servers` servers
   * of the upstream (the new containers serve through the entry tier).
   */
  async routedWithin(servers: number, timeoutMs = 120_000): Promise<number> {
    if (this.steppedAt === undefined) throw new Error("routedWithin: no step yet");
    const deadline = Date.now() + timeoutMs;
    while ((await this.leastRouted()) < servers) {
      if (Date.now() > deadline) throw new Error(`the entry tier did not route to ${servers} servers of ${this.options.upstream} within ${timeoutMs / 1000} s of the step`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return (Date.now() - this.steppedAt) / 1000;
  }

  /** The fewest servers of the upstream that any entry container routes to. */
  async leastRouted(): Promise<number> {
    const urls = await this.options.statusUrls();
    if (urls.length === 0) return 0;
    const counts = await Promise.all(
      urls.map(async (url) => {
        const page = await readPage(`${url}?upstream=${this.options.upstream}`, 2_000).catch(() => "");
        return upstreamShowServers(page, this.options.upstream)?.size ?? 0;
      }),
    );
    return Math.min(...counts);
  }

  /** Stops every generator; what they saw, added up. */
  async stop(): Promise<TrafficReport> {
    const reports = await Promise.all(this.generators.splice(0).map((g) => g.stop()));
    await this.targets.stop();
    return reports.reduce(addReports, noTraffic());
  }

  private traffic(rate: number): Traffic {
    return new Traffic(this.site, { targets: this.targets.list, rate, clients: 4, host: this.options.upstream, maxSeconds: this.options.maxSeconds ?? 300 });
  }
}

/** The counts of no request at all: where adding reports starts. */
export function noTraffic(): TrafficReport {
  return { sent: 0, ok: 0, failed: 0, answeredBy: {}, failures: [], failingSeconds: 0, seconds: 0 };
}

/** Two generators' counts as one. */
export function addReports(a: TrafficReport, b: TrafficReport): TrafficReport {
  const answeredBy = { ...a.answeredBy };
  for (const [by, n] of Object.entries(b.answeredBy)) answeredBy[by] = (answeredBy[by] ?? 0) + n;
  return {
    sent: a.sent + b.sent,
    ok: a.ok + b.ok,
    failed: a.failed + b.failed,
    answeredBy,
    failures: [...a.failures, ...b.failures].slice(0, 20),
    failingSeconds: Math.max(a.failingSeconds, b.failingSeconds),
    seconds: Math.max(a.seconds, b.seconds),
  };
}
