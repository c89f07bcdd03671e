/**
 * Locks between processes that work on one site: `up`/`down` of the site (one at a time,
 * several test runs may start the test site at once) and the hosts added or removed one at
 * a time, a few at once (Terraform runs up to ten host commands in parallel; two cores
 * bootstrap about three hosts at a time well). Lock files sit beside the state dir so that
 * `down` can remove the state dir.
 */
import { randomBytes } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DcpError } from "../model/errors";
import { STATE_ROOT } from "./layout";
import { alive, sleep } from "./system";

/** Host bootstraps at once on this machine (its two cores). */
export const HOST_SLOTS = 3;
const WAIT_MS = 15 * 60_000;

/**
 * Takes `lock` if it is free or its holder is gone; false when a live process holds it. The
 * lock appears with its holder's pid already in it (link is atomic and fails when the lock
 * exists), so nobody ever sees an empty lock and takes it as stale.
 */
function tryTake(lock: string): boolean {
  const mine = `${lock}.${process.pid}.${randomBytes(4).toString("hex")}`;
  writeFileSync(mine, `${process.pid}\n`);
  try {
    for (;;) {
      try {
        linkSync(mine, lock);
        return true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      }
      let holder: number;
      try {
        holder = Number(readFileSync(lock, "utf8").trim());
      } catch {
        continue; // released meanwhile
      }
      if (alive(holder)) return false;
      rmSync(lock, { force: true }); // left by a killed run
    }
  } finally {
    rmSync(mine, { force: true });
  }
}

/** Waits for the first of `locks` that is free, runs `work` holding it, then releases it. */
async function withAnyOf<T>(locks: string[], what: string, work: () => Promise<T>): Promise<T> {
  mkdirSync(STATE_ROOT, { recursive: true });
  const deadline = Date.now() + WAIT_MS;
  let held: string | undefined;
  while (!(held = locks.find(tryTake))) {
    if (Date.now() > deadline) throw new DcpError(`${what} is locked by another process (${locks.join(", ")})`);
    await sleep(200);
  }
  try {
    return await work();
  } finally {
    unlinkSync(held);
  }
}

/** One `up`/`down` (or other whole-site change) of a site at a time. */
export function withSiteLock<T>(name: string, work: () => Promise<T>): Promise<T> {
  return withAnyOf([join(STATE_ROOT, `${name}.lock`)], `site ${name}`, work);
}

/** At most HOST_SLOTS hosts of a site are added or removed at once. */
export function withHostSlot<T>(name: string, work: () => Promise<T>): Promise<T> {
  const slots = Array.from({ length: HOST_SLOTS }, (_, i) => join(STATE_ROOT, `${name}.host-slot-${i + 1}.lock`));
  return withAnyOf(slots, `every host slot of site ${name}`, work);
}
