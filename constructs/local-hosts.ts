/**
 * The local profile's hosts, pure: how many hosts each fleet gets on the local site, their
 * names, zones and generations. The count comes from the same sizing as the cloud — the
 * hosts the pools need plus the buffer — because on one machine even a private IDC's
 * "free" hosts have to be made; it is capped at what one machine can hold.
 */
import { DcpError } from "../model/errors";
import { Resources } from "../model/container-types";
import { hostNode, LedgerEntry } from "../local-site";

/**
 * Local hosts one machine holds in all: with about 40, every host's dockerd and Consul
 * agent share two cores and the kernel's neighbour table must be raised (see README).
 */
export const LOCAL_HOST_CAP = 40;
/** Each fleet numbers its hosts in a block of its own, so one fleet growing never renames another's; the cap fits one block. */
export const SLOTS_PER_FLEET = LOCAL_HOST_CAP;
/** Blocks that fit the site's /24 (host slot n is <subnet>.(10+n), n ≤ 244). */
export const MAX_LOCAL_FLEETS = 6;

export interface LocalFleetInput {
  name: string;
  idc: string;
  /** The IDC's zones in priority order; hosts take them round-robin. */
  zones: string[];
  cloud: boolean;
  hostClass: Resources;
  hostsForPools: number;
  bufferHosts: number;
}

/** One host of the local site, as the `terraform_data` of its node carries it. */
export interface LocalHost {
  node: string;
  fleet: string;
  idc: string;
  zone: string;
  cpu: number;
  memoryMiB: number;
  cloud: boolean;
  /** 0 the first time; one more each time the node must be made again (it went away). */
  generation: number;
}

export interface LocalFleetHosts {
  fleet: string;
  /** What sizing asks for: hosts for pools plus buffer. */
  sized: number;
  hosts: number;
  /** Set when the cap took hosts away. */
  note?: string;
}

export interface LocalHostPlan {
  hosts: LocalHost[];
  fleets: LocalFleetHosts[];
}

/**
 * A node's generation: the ledger's when that host still runs; one more when it went away
 * (removed by hand, `dcp down`), so Terraform replaces its resource and the host is made
 * again; 0 for a node never made.
 */
export function generationOf(entry: LedgerEntry | undefined): number {
  if (!entry) return 0;
  return entry.live ? entry.generation : entry.generation + 1;
}

/** Hosts per fleet after the cap: buffers shrink first, then the largest fleet, one host at a time. */
function capCounts(fleets: LocalFleetInput[], cap: number): number[] {
  const pools = fleets.map((f) => f.hostsForPools);
  const buffers = fleets.map((f) => f.bufferHosts);
  const total = () => pools.reduce((a, b) => a + b, 0) + buffers.reduce((a, b) => a + b, 0);
  const largest = (xs: number[], floor: number[]) => xs.reduce((best, x, i) => (x > floor[i] && x > (xs[best] ?? -1) ? i : best), -1);
  while (total() > cap) {
    const b = largest(buffers, buffers.map(() => 0));
    if (b >= 0) {
      buffers[b]--;
      continue;
    }
    // A fleet with pools keeps at least one host.
    const p = largest(pools, pools.map((n) => (n > 0 ? 1 : 0)));
    if (p < 0) break;
    pools[p]--;
  }
  return pools.map((n, i) => n + buffers[i]);
}

export function planLocalHosts(site: string, fleets: LocalFleetInput[], ledger: Record<string, LedgerEntry>): LocalHostPlan {
  if (fleets.length > MAX_LOCAL_FLEETS) {
    throw new DcpError(`the local profile holds at most ${MAX_LOCAL_FLEETS} fleets on one site (its /24 gives each ${SLOTS_PER_FLEET} addresses); this stack has ${fleets.length}`);
  }
  const counts = capCounts(fleets, LOCAL_HOST_CAP);
  const hosts: LocalHost[] = [];
  const summary: LocalFleetHosts[] = fleets.map((f, k) => {
    const sized = f.hostsForPools + f.bufferHosts;
    for (let j = 0; j < counts[k]; j++) {
      const node = hostNode(site, k * SLOTS_PER_FLEET + j + 1);
      hosts.push({
        node,
        fleet: f.name,
        idc: f.idc,
        zone: f.zones[j % f.zones.length],
        cpu: f.hostClass.cpu,
        memoryMiB: f.hostClass.memoryMiB,
        cloud: f.cloud,
        generation: generationOf(ledger[node]),
      });
    }
    const note =
      counts[k] < sized
        ? `local: ${counts[k]} of the ${sized} hosts sizing asks for (one machine holds ${LOCAL_HOST_CAP} local hosts; buffers are cut first)`
        : undefined;
    return { fleet: f.name, sized, hosts: counts[k], ...(note ? { note } : {}) };
  });
  return { hosts, fleets: summary };
}
