/**
 * The apply lock: two applies never interleave. A Consul session with a short TTL holds
 * the KV key `<root>/locks/apply`; the holder renews the session while it works, so a
 * holder that crashes (SIGKILL, host gone) loses the lock when the TTL runs out instead
 * of blocking every later apply.
 */
import { hostname } from "node:os";
import { DcpError } from "../../model/errors";
import { KV } from "../../model/host-metadata";
import type { ConsulClient } from "./client";

export interface ApplyLockOptions {
  /** How long to wait for another holder to finish. Default 0: refuse at once. */
  waitMs?: number;
  /**
   * Session TTL. Default 15 s. Consul invalidates an unrenewed session between 1× and 2×
   * the TTL, so a crashed holder blocks others for at most about twice this.
   */
  ttlSeconds?: number;
  /** Consul's lock-delay after a session is invalidated. Default 1 s. */
  lockDelaySeconds?: number;
  /** Told once, with who holds the lock, when the lock is taken and waitMs lets it wait. */
  onWait?: (holder: string) => void;
}

/** What the lock key holds, so a refused apply can say who holds it. */
interface LockHolder {
  holder: string;
  host: string;
  pid: number;
  since: string;
  ttlSeconds: number;
}

const POLL_MS = 500;

/** The lock is held by another apply (a deploy, or the controller acting): nothing was changed. */
export class ApplyLockHeldError extends DcpError {}

export async function withApplyLock<T>(
  client: ConsulClient,
  holder: string,
  fn: () => Promise<T>,
  options: ApplyLockOptions = {},
): Promise<T> {
  const waitMs = options.waitMs ?? 0;
  const ttlSeconds = options.ttlSeconds ?? 15;
  const key = KV.applyLock(client.config.kvRoot);
  const session = await client.sessionCreate(`dcp apply lock: ${holder}`, ttlSeconds, options.lockDelaySeconds ?? 1);
  // Renew from creation on, not only once the lock is held: a session that waits longer
  // than its TTL would otherwise be invalidated and every later acquire would fail.
  const renewal = renewWhileAlive(client, session, ttlSeconds);
  try {
    await acquire(client, key, session, holder, waitMs, ttlSeconds, options.onWait);
  } catch (err) {
    await renewal.stop();
    await client.sessionDestroy(session).catch(() => undefined);
    throw err;
  }

  try {
    const result = await fn();
    if (renewal.lost()) {
      throw new DcpError(
        `The apply lock ${key} expired while "${holder}" was running (Consul could not be reached to renew it); another apply may have run at the same time. Run plan again and re-apply.`,
      );
    }
    return result;
  } finally {
    await renewal.stop();
    // Destroying the session releases the key too; release first so the key is free without lock-delay.
    await client.kvRelease(key, session).catch(() => undefined);
    await client.sessionDestroy(session).catch(() => undefined);
  }
}

/** Renews the session at a third of its TTL, so one missed renewal (Consul restarting) still leaves time. The controller's leadership renews its session the same way. */
export function renewWhileAlive(client: ConsulClient, session: string, ttlSeconds: number): { lost(): boolean; stop(): Promise<void> } {
  let lost = false;
  let renewing: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (renewing) return;
    renewing = client
      .sessionRenew(session)
      // Right after a Consul restart a renew can answer "not found" for a session that is
      // alive; only a consistent read saying so means the lock is gone.
      .then(async (alive) => {
        if (!alive && !(await client.sessionExists(session))) lost = true;
      })
      .catch(() => undefined)
      .finally(() => {
        renewing = undefined;
      });
  }, (ttlSeconds * 1000) / 3);
  return {
    lost: () => lost,
    stop: async () => {
      clearInterval(timer);
      await renewing;
    },
  };
}

async function acquire(
  client: ConsulClient,
  key: string,
  session: string,
  holder: string,
  waitMs: number,
  ttlSeconds: number,
  onWait?: (holder: string) => void,
): Promise<void> {
  const me: LockHolder = { holder, host: hostname(), pid: process.pid, since: new Date().toISOString(), ttlSeconds };
  const deadline = Date.now() + waitMs;
  const whoHolds = async () => {
    const current = await client.kvGetWithSession(key);
    return current?.session ? describeHolder(current.value) : "a holder whose session just ended (lock-delay)";
  };
  let told = false;
  for (;;) {
    if (await client.kvAcquire(key, JSON.stringify(me), session)) return;
    if (!told && onWait && Date.now() < deadline) {
      told = true;
      onWait(await whoHolds());
    }
    if (Date.now() >= deadline) {
      const who = await whoHolds();
      const waited = waitMs > 0 ? ` after waiting ${Math.round(waitMs / 1000)} s` : "";
      throw new ApplyLockHeldError(`Another apply holds the lock ${key}${waited}: ${who}. Wait for it to finish or pass --wait-lock SECONDS.`);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, Math.max(0, deadline - Date.now()))));
  }
}

function describeHolder(raw: string): string {
  try {
    const h = JSON.parse(raw) as LockHolder;
    return `"${h.holder}" (pid ${h.pid} on ${h.host}, since ${h.since}; if that process is gone, the lock expires on its own within ${2 * h.ttlSeconds} s)`;
  } catch {
    return `a holder that wrote ${JSON.stringify(raw.slice(0, 80))}`;
  }
}
