/**
 * Leadership: one active controller per Consul datacenter. Every instance holds a TTL
 * session and contends for the key `<root>/locks/controller`; the one that acquires it
 * leads, the others stand by, following the key with a blocking query and contending
 * again as soon as it is free. A leader renews its session at a third of the TTL (as the
 * apply lock does) and steps down the moment Consul says the session is gone or the key
 * names another session; a leader that is killed loses the key when its TTL runs out
 * (Consul invalidates an unrenewed session within 2 × TTL), then a stand-by takes it.
 *
 * Leading is not a licence to act alone: every change still goes through the apply lock,
 * so a leader that has not yet noticed its loss cannot interleave with the next one.
 */
import { hostname } from "node:os";
import { KV } from "../../model/host-metadata";
import { ConsulClient, Watching } from "../consul/client";
import { renewWhileAlive } from "../consul/lock";

/** What the lock key holds: who leads, and where its /metrics are served. */
export interface LeaderInfo {
  holder: string;
  host: string;
  pid: number;
  since: string;
  metricsUrl?: string;
}

export interface LeadershipOptions {
  /** Session TTL. Default 10 s: a killed leader is replaced within about 2 × this. */
  ttlSeconds?: number;
  /** Consul's lock-delay after a session ends. Default 1 s. */
  lockDelaySeconds?: number;
  metricsUrl?: string;
  onChange?: (leading: boolean) => void;
  log?: (line: string) => void;
}

const POLL_MS = 100;
const RETRY_MS = 1_000;
/** A stand-by contends again at least this often, in case a key's release went unseen. */
const RECHECK_MS = 5_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class Leadership {
  private stopped = false;
  private leadingNow = false;
  /** The session holding the key, as last seen (the watch, or our own acquire). */
  private keySession: string | undefined;
  private loop?: Promise<void>;
  private watch?: Watching;

  constructor(
    private readonly consul: ConsulClient,
    private readonly holder: string,
    private readonly options: LeadershipOptions = {},
  ) {}

  get leading(): boolean {
    return this.leadingNow;
  }

  get key(): string {
    return KV.controllerLock(this.consul.config.kvRoot);
  }

  start(): void {
    this.watch = this.consul.watchKey(this.key, (item) => (this.keySession = item?.session), (err) => this.log(`watching ${this.key}: ${err.message}`), 10);
    this.loop = this.campaign();
  }

  /** Resigns: releases the key (a stand-by takes it at once) and ends the session. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.watch?.stop();
    await this.loop;
  }

  /** The current leader as the key names it (any process may ask). */
  static async current(consul: ConsulClient): Promise<LeaderInfo | undefined> {
    const item = await consul.kvGetWithSession(KV.controllerLock(consul.config.kvRoot));
    if (!item?.session) return undefined;
    try {
      return JSON.parse(item.value) as LeaderInfo;
    } catch {
      return undefined;
    }
  }

  private async campaign(): Promise<void> {
    const ttl = this.options.ttlSeconds ?? 10;
    while (!this.stopped) {
      let session: string;
      try {
        session = await this.consul.sessionCreate(`dcp controller: ${this.holder}`, ttl, this.options.lockDelaySeconds ?? 1);
      } catch (err) {
        this.log(`cannot create a session: ${(err as Error).message}`);
        await sleep(RETRY_MS);
        continue;
      }
      const renewal = renewWhileAlive(this.consul, session, ttl);
      try {
        await this.contend(session, () => renewal.lost());
      } finally {
        this.setLeading(false);
        await renewal.stop();
        await this.consul.kvRelease(this.key, session).catch(() => undefined);
        await this.consul.sessionDestroy(session).catch(() => undefined);
      }
    }
  }

  /** Contends with one session until it is lost or the process stops. */
  private async contend(session: string, lost: () => boolean): Promise<void> {
    while (!this.stopped && !lost()) {
      const info: LeaderInfo = { holder: this.holder, host: hostname(), pid: process.pid, since: new Date().toISOString(), metricsUrl: this.options.metricsUrl };
      const acquired = await this.consul.kvAcquire(this.key, JSON.stringify(info), session).catch((err: Error) => {
        this.log(`contending for ${this.key}: ${err.message}`);
        return false;
      });
      if (acquired) {
        this.keySession = session;
        this.setLeading(true);
        await this.until(() => this.stopped || lost() || this.keySession !== session);
        this.setLeading(false);
        if (!this.stopped && !lost()) this.log(`lost ${this.key} to session ${this.keySession ?? "(none)"}`);
      } else {
        await this.until(() => this.stopped || lost() || this.keySession === undefined, RECHECK_MS);
        // A key freed by a session that ended is locked for lock-delay: do not spin on it.
        await sleep(POLL_MS * 5);
      }
    }
  }

  private async until(condition: () => boolean, maxMs = Infinity): Promise<void> {
    const deadline = Date.now() + maxMs;
    while (!condition() && Date.now() < deadline) await sleep(POLL_MS);
  }

  private setLeading(leading: boolean): void {
    if (leading === this.leadingNow) return;
    this.leadingNow = leading;
    this.log(leading ? `leading (${this.key})` : "standing by");
    this.options.onChange?.(leading);
  }

  private log(line: string): void {
    this.options.log?.(`controller ${this.holder}: ${line}`);
  }
}
