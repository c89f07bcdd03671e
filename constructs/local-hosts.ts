/**
 * The local profile's hosts, pure: how many hosts each fleet gets on the local site, their
 * names, zones and generations. The count comes from the same sizing as the cloud — the
 * hosts the pools need plus the buffer — because on one machine even a private IDC's
 * "free" hosts have to be made; it is capped at what one machine can hold.
 */
import { DcpError } from "../model/errors";
import { Resources } from "../model/container-types";
import { generationOf, hostNode, LedgerEntry, LocalHost, LOCAL_HOST_CAP, SLOTS_PER_FLEET } from "../local-site";

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

export function planLocalHosts(site: string, fleets: LocalFleetInput[], ledger: Record<string, LedgerEntry>, refills: Readonly<Record<string, LocalHost>> = {}): LocalHostPlan {
  if (fleets.length > MAX_LOCAL_FLEETS) {
    throw new DcpError(`the local profile holds at most ${MAX_LOCAL_FLEETS} fleets on one site (its /24 gives each ${SLOTS_PER_FLEET} addresses); this stack has ${fleets.length}`);
  }
  const counts = capCounts(fleets, LOCAL_HOST_CAP);
  const hosts: LocalHost[] = [];
  const summary: LocalFleetHosts[] = fleets.map((f, k) => {
    const sized = f.hostsForPools + f.bufferHosts;
    // Slots a refill took stay its own: the sized hosts take the free ones after them.
    for (let j = 0, made = 0; made < counts[k] && j < SLOTS_PER_FLEET; j++) {
      const node = hostNode(site, k * SLOTS_PER_FLEET + j + 1);
      if (node in refills) continue;
      hosts.push({ node, fleet: f.name, idc: f.idc, zone: f.zones[j % f.zones.length], cpu: f.hostClass.cpu, memoryMiB: f.hostClass.memoryMiB, cloud: f.cloud, generation: generationOf(ledger[node]) });
      made++;
    }
    const refilled = Object.values(refills).filter((h) => h.fleet === f.name);
    hosts.push(...refilled.map((h) => ({ ...h, generation: generationOf(ledger[h.node]) })));
    const notes = [
      ...(counts[k] < sized ? [`local: ${counts[k]} of the ${sized} hosts sizing asks for (one machine holds ${LOCAL_HOST_CAP} local hosts; buffers are cut first)`] : []),
      ...(refilled.length > 0 ? [`local: ${refilled.length} more that the controller added to refill the buffer`] : []),
    ];
    return { fleet: f.name, sized, hosts: counts[k] + refilled.length, ...(notes.length > 0 ? { note: notes.join("; ") } : {}) };
  });
  return { hosts, fleets: summary };
}
