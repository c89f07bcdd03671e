/**
 * A host as the scheduler sees it while placing: the inventory's host plus what this
 * scheduling run has placed on it so far. Filters and strategies read it; only
 * `place` changes it.
 */
import { Resources } from "../../model/container-types";
import { ContainerRequest, SchedulerHost } from "./types";

/** Fractional CPU sums (0.1 + 0.2) must still fit 0.3. */
const EPSILON = 1e-9;

export class HostState {
  /** Constraint attributes; node, idc, zone and fleet are always present. */
  readonly attributes: Record<string, string>;
  freeCpu: number;
  freeMemoryMiB: number;
  readonly usedPorts: Set<number>;
  readonly poolCounts: Map<string, number>;
  /** Containers of every pool on the host. */
  containers: number;
  /** In the buffer. A buffer host that takes a container is assigned from then on (the plan assigns it first). */
  buffer: boolean;
  /** The random strategy's draw for this host (lowest draw wins). */
  draw = 0;

  constructor(
    readonly host: SchedulerHost,
    /**
     * Position in node-name order: the last tie-break of the ranking, so that results
     * depend neither on the order hosts are listed in nor on sort stability.
     */
    readonly index: number
  ) {
    this.attributes = { node: host.node, idc: host.idc, zone: host.zone, fleet: host.fleet, ...host.attributes };
    this.freeCpu = host.capacity.cpu - host.reserved.cpu;
    this.freeMemoryMiB = host.capacity.memoryMiB - host.reserved.memoryMiB;
    this.usedPorts = new Set(host.usedPorts);
    this.poolCounts = new Map(Object.entries(host.poolCounts));
    this.containers = Object.values(host.poolCounts).reduce((sum, n) => sum + n, 0);
    this.buffer = host.buffer;
  }

  count(pool: string): number {
    return this.poolCounts.get(pool) ?? 0;
  }

  fits(resources: Resources): boolean {
    return this.freeCpu + EPSILON >= resources.cpu && this.freeMemoryMiB + EPSILON >= resources.memoryMiB;
  }


  /** What the host lacks to fit `resources` (0 where it has enough). */
  shortfall(resources: Resources): Resources {
    const short = (need: number, free: number) => (free + EPSILON >= need ? 0 : need - free);
    return { cpu: short(resources.cpu, this.freeCpu), memoryMiB: short(resources.memoryMiB, this.freeMemoryMiB) };
  }

  /** Share of the host that `resources` take: the mean of the CPU and memory shares (1 for a host without capacity). */
  share(resources: Resources): number {
    const { cpu, memoryMiB } = this.host.capacity;
    if (cpu <= 0 || memoryMiB <= 0) return 1;
    return (resources.cpu / cpu + resources.memoryMiB / memoryMiB) / 2;
  }

  /** Share of the host reserved, as `share` measures it. */
  load(): number {
    const { cpu, memoryMiB } = this.host.capacity;
    return this.share({ cpu: cpu - this.freeCpu, memoryMiB: memoryMiB - this.freeMemoryMiB });
  }

  place(request: ContainerRequest): void {
    this.freeCpu -= request.resources.cpu;
    this.freeMemoryMiB -= request.resources.memoryMiB;
    for (const port of request.ports) if (port !== 0) this.usedPorts.add(port);
    this.poolCounts.set(request.pool, this.count(request.pool) + 1);
    this.containers++;
    this.buffer = false;
  }
}

/** Scheduling states of the hosts, in node-name order (hosts with the same name keep their input order). */
export function hostStates(hosts: SchedulerHost[]): HostState[] {
  const byName = [...hosts].sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
  return byName.map((host, index) => new HostState(host, index));
}
