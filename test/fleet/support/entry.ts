/**
 * The entry tier in fleet tests: a pool running the site's entry image (HAProxy following
 * dcp's upstreams), and the clients' view of it. Clients find the entry containers the way
 * a load balancer in front of them would: the healthy instances of the entry pool in the
 * Consul catalog, re-read every few hundred milliseconds.
 */
import { LocalSite } from "../../../local-site";
import { PoolSpec } from "../../../model/desired-state";
import { testPool } from "./apply";

/** A pool of the entry image that routes `upstreams`; dynamic traffic and status ports. */
export function entryPool(fleet: LocalSite, name: string, replicas: number, upstreams: string[], env: Record<string, string> = {}): PoolSpec {
  return testPool(fleet, name, replicas, {
    image: fleet.entryImage,
    ports: [{ name: "http", port: 0 }, { name: "status", port: 0 }],
    upstream: undefined,
    healthCheck: { path: "/nginx-health", port: 0, intervalSeconds: 1, timeoutSeconds: 1 },
    placement: { strategy: "spread", antiAffinity: "host", constraints: [] },
    env: { UPSYNC_UPSTREAMS: upstreams.join(","), ...env },
  });
}

interface HealthEntry {
  Service: { Address: string; Port: number };
}

/** Entry addresses (http://ip:port/) from the catalog, kept fresh in the background until stop(). */
export class CatalogTargets {
  private current: string[] = [];
  private running = true;
  private readonly loop: Promise<void>;

  constructor(private readonly site: LocalSite, private readonly service: string, private readonly everyMs = 300) {
    this.loop = this.follow();
  }

  /** Resolves once the catalog lists `count` passing instances. */
  async ready(count: number, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.current.length < count) {
      if (Date.now() > deadline) throw new Error(`catalog lists ${this.current.length} passing ${this.service}, not ${count}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  list = (): string[] => this.current;

  private async read(): Promise<string[]> {
    const res = await fetch(`${this.site.consulHttp}/v1/health/service/${this.service}?passing`, { signal: AbortSignal.timeout(2000) });
    const entries = (await res.json()) as HealthEntry[];
    return entries.map((e) => `http://${e.Service.Address}:${e.Service.Port}/`).sort();
  }

  private async follow(): Promise<void> {
    while (this.running) {
      this.current = await this.read().catch(() => this.current);
      await new Promise((resolve) => setTimeout(resolve, this.everyMs));
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}

/** The servers an entry container's upstream_show lists for one upstream. */
export async function upstreamShow(address: string, statusPort: number, upstream: string): Promise<Array<{ server: string; weight: number }>> {
  const res = await fetch(`http://${address}:${statusPort}/upstream_show?upstream=${upstream}`, { signal: AbortSignal.timeout(2000) });
  const text = await res.text();
  return [...text.matchAll(/server (\S+) weight=(\d+)/g)].map((m) => ({ server: m[1], weight: Number(m[2]) }));
}
