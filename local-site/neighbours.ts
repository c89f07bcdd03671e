/**
 * The kernel's neighbour (ARP) table limits a larger local site needs. The table is shared
 * by every network namespace, and Consul's gossip makes every host's agent talk to every
 * other one: a site of n hosts holds about n·(n+1) entries (each namespace knows its n−1
 * peers and the bridge; the root namespace knows every host). Past gc_thresh3 (1,024 by
 * default, about 32 hosts) the kernel drops new entries ("neighbor table overflow") and
 * the next agent cannot join.
 *
 * `up` raises the limits when its site needs more than the kernel allows, and `down`
 * restores what was there before once no site that needed more is left. Several sites
 * share one record (<state root>/neighbour-limits.json): the values found before the
 * first raise, what dcp wrote, and what each site needs. A value someone else changed
 * since dcp wrote it is left alone.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const NEIGH_KEYS = ["gc_thresh1", "gc_thresh2", "gc_thresh3"] as const;
export type NeighbourLimits = Record<(typeof NEIGH_KEYS)[number], number>;

export interface NeighbourRecord {
  /** The kernel's values before dcp first raised them. */
  original: NeighbourLimits;
  /** What dcp wrote last. */
  written: NeighbourLimits;
  /** What each site that is up needs. */
  sites: Record<string, NeighbourLimits>;
}

/**
 * Limits for a site of `hosts`: gc_thresh2 (where the kernel starts to evict) at twice the
 * entries the site makes, rounded up to a power of two, so that a second site fits beside
 * it; gc_thresh3 (the hard limit) twice that; gc_thresh1 (no eviction below) half of it.
 */
export function neighbourLimitsFor(hosts: number): NeighbourLimits {
  const entries = hosts * (hosts + 1);
  const soft = 2 ** Math.ceil(Math.log2(Math.max(2 * entries, 2)));
  return { gc_thresh1: soft / 2, gc_thresh2: soft, gc_thresh3: soft * 2 };
}

const max = (a: NeighbourLimits, b: NeighbourLimits): NeighbourLimits =>
  Object.fromEntries(NEIGH_KEYS.map((k) => [k, Math.max(a[k], b[k])])) as NeighbourLimits;
const same = (a: NeighbourLimits, b: NeighbourLimits) => NEIGH_KEYS.every((k) => a[k] === b[k]);

/** What `up` of `site` writes (undefined: the kernel allows enough) and the record after it. */
export function raiseFor(site: string, needed: NeighbourLimits, current: NeighbourLimits, record: NeighbourRecord | undefined): { write?: NeighbourLimits; record?: NeighbourRecord } {
  const original = record?.original ?? current;
  // Only a site that needs more than the kernel had holds the raise.
  if (same(max(original, needed), original)) return { record };
  const target = max(current, needed);
  const next: NeighbourRecord = { original, written: record?.written ?? current, sites: { ...record?.sites, [site]: needed } };
  if (same(target, current)) return { record: next };
  return { write: target, record: { ...next, written: target } };
}

/** What `down` of `site` writes back (undefined: nothing) and the record after it (undefined: none left). */
export function releaseFor(site: string, current: NeighbourLimits, record: NeighbourRecord | undefined): { write?: NeighbourLimits; record?: NeighbourRecord } {
  if (!record?.sites[site]) return { record };
  const sites = { ...record.sites };
  delete sites[site];
  if (Object.keys(sites).length > 0) return { record: { ...record, sites } };
  // The last site that needed more: restore, unless someone changed the values since.
  return same(current, record.written) && !same(current, record.original) ? { write: record.original } : {};
}

const SYSCTL = (key: string) => `/proc/sys/net/ipv4/neigh/default/${key}`;

export function readNeighbourLimits(): NeighbourLimits {
  return Object.fromEntries(NEIGH_KEYS.map((k) => [k, Number(readFileSync(SYSCTL(k), "utf8").trim())])) as NeighbourLimits;
}

/** In the order that keeps gc_thresh1 ≤ gc_thresh2 ≤ gc_thresh3 at every step (the kernel does not require it, readers do). */
function writeLimits(limits: NeighbourLimits, current: NeighbourLimits): void {
  const order = limits.gc_thresh3 >= current.gc_thresh3 ? [...NEIGH_KEYS].reverse() : [...NEIGH_KEYS];
  for (const k of order) writeFileSync(SYSCTL(k), `${limits[k]}\n`);
}

function readRecord(file: string): NeighbourRecord | undefined {
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as NeighbourRecord) : undefined;
}

function saveRecord(file: string, record: NeighbourRecord | undefined): void {
  if (record) writeFileSync(file, JSON.stringify(record, null, 2) + "\n");
  else rmSync(file, { force: true });
}

/** `up`: raises the limits for `site` if it needs more; returns a line for the log, or undefined. */
export function ensureNeighbourLimits(stateRoot: string, site: string, hosts: number): string | undefined {
  const file = join(stateRoot, "neighbour-limits.json");
  const current = readNeighbourLimits();
  const { write, record } = raiseFor(site, neighbourLimitsFor(hosts), current, readRecord(file));
  if (write) writeLimits(write, current);
  saveRecord(file, record);
  return write && `raised net.ipv4.neigh.default gc_thresh1/2/3 from ${NEIGH_KEYS.map((k) => current[k]).join("/")} to ${NEIGH_KEYS.map((k) => write[k]).join("/")} for ${hosts} hosts`;
}

/** `down`: gives back what `up` of `site` raised once no other site needs it; returns a line for the log, or undefined. */
export function releaseNeighbourLimits(stateRoot: string, site: string): string | undefined {
  const file = join(stateRoot, "neighbour-limits.json");
  const current = readNeighbourLimits();
  const { write, record } = releaseFor(site, current, readRecord(file));
  if (write) writeLimits(write, current);
  saveRecord(file, record);
  return write && `restored net.ipv4.neigh.default gc_thresh1/2/3 to ${NEIGH_KEYS.map((k) => write[k]).join("/")}`;
}
