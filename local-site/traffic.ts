/**
 * Live traffic through the local site, for zero-loss tests and benchmarks: a bounded load
 * generator that sends GETs to the entry tier and counts every request that failed and
 * which image answered.
 *
 * Bounded by construction: at most MAX_RATE requests per second in all, a hard cap on the
 * number of requests and on the run's length, and targets only on loopback or on the test
 * site's own subnet (the hosts it made in its network namespaces). Each request is on a
 * fresh connection, so every one is balanced on its own and a dead server cannot hide
 * behind a kept-alive connection.
 */
import { get } from "node:http";
import { LocalSite } from "./types";

/** The most requests per second a generator may send, whatever it is asked. */
export const MAX_RATE = 300;

export interface TrafficOptions {
  /** Where requests go, re-read before each request (e.g. the entry containers in the catalog). */
  targets: () => string[];
  /** Requests per second over all clients. Default 150, at most MAX_RATE. */
  rate?: number;
  /** Concurrent clients. Default 4. */
  clients?: number;
  /** Host header (the entry tier routes by it). */
  host?: string;
  /** Stops by itself after this long. Default 5 minutes. */
  maxSeconds?: number;
  /** Per request. Default 5 s. */
  timeoutMs?: number;
}

export interface TrafficReport {
  sent: number;
  ok: number;
  failed: number;
  /** Answers by the first line of their body (the demo image says `dcp demo <version>`). */
  answeredBy: Record<string, number>;
  /** The first failures, each with the time since start and what went wrong. */
  failures: string[];
  /** Seconds from the first failure to the last; 0 when none failed. */
  failingSeconds: number;
  seconds: number;
}

/** Only the site's own addresses and loopback may be targets. */
export function assertLocalTarget(site: LocalSite, target: string): void {
  const host = target.replace(/^https?:\/\//, "").split(/[:/]/)[0];
  const prefix = site.gateway.replace(/\.1$/, ".");
  if (!(host.startsWith("127.") || host.startsWith(prefix))) {
    throw new Error(`traffic target ${target} is neither loopback nor on site ${site.name}'s subnet ${site.subnet}`);
  }
}

function once(url: string, host: string | undefined, timeoutMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = get(url, { agent: false, timeout: timeoutMs, headers: host ? { host } : {} }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", reject);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class Traffic {
  private running = true;
  private readonly done: Promise<void>;
  private readonly report: TrafficReport = { sent: 0, ok: 0, failed: 0, answeredBy: {}, failures: [], failingSeconds: 0, seconds: 0 };
  private readonly started = Date.now();
  private firstFailure?: number;
  private lastFailure?: number;

  constructor(private readonly site: LocalSite, private readonly options: TrafficOptions) {
    const rate = Math.min(options.rate ?? 150, MAX_RATE);
    const clients = Math.max(1, Math.min(options.clients ?? 4, 16));
    const maxSeconds = Math.min(options.maxSeconds ?? 300, 900);
    const maxRequests = Math.ceil(rate * maxSeconds);
    const gapMs = (1000 * clients) / rate;
    const client = async (i: number) => {
      await sleep((gapMs * i) / clients);
      while (this.running && this.report.sent < maxRequests && Date.now() - this.started < maxSeconds * 1000) {
        const next = Date.now() + gapMs;
        await this.request();
        await sleep(Math.max(0, next - Date.now()));
      }
    };
    this.done = Promise.all(Array.from({ length: clients }, (_, i) => client(i))).then(() => undefined);
  }

  private async request(): Promise<void> {
    const targets = this.options.targets();
    const at = (Date.now() - this.started) / 1000;
    this.report.sent++;
    const fail = (why: string) => {
      this.report.failed++;
      this.firstFailure ??= at;
      this.lastFailure = at;
      if (this.report.failures.length < 20) this.report.failures.push(`${at.toFixed(2)} s: ${why}`);
    };
    if (targets.length === 0) return fail("no target to send to");
    const target = targets[this.report.sent % targets.length];
    assertLocalTarget(this.site, target);
    try {
      const res = await once(target, this.options.host, this.options.timeoutMs ?? 5000);
      if (res.status !== 200) return fail(`${target} answered ${res.status}: ${res.body.trim().slice(0, 120)}`);
      this.report.ok++;
      const by = res.body.split("\n")[0];
      this.report.answeredBy[by] = (this.report.answeredBy[by] ?? 0) + 1;
    } catch (err) {
      fail(`${target}: ${(err as Error).message}`);
    }
  }

  /** Counts so far (the run goes on). */
  snapshot(): TrafficReport {
    return { ...this.report, answeredBy: { ...this.report.answeredBy }, failures: [...this.report.failures], seconds: (Date.now() - this.started) / 1000 };
  }

  /** Ends the run and reports every request it sent. */
  async stop(): Promise<TrafficReport> {
    this.running = false;
    await this.done;
    const failingSeconds = this.firstFailure === undefined ? 0 : this.lastFailure! - this.firstFailure;
    return { ...this.snapshot(), failingSeconds };
  }
}

interface HealthEntry {
  Service: { Address: string; Port: number };
}

/**
 * The entry containers as a load balancer in front of them sees them: the passing instances
 * of the entry pool in the Consul catalog, re-read every few hundred milliseconds.
 */
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

