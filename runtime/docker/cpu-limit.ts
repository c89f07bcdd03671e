/**
 * The CPU limit a container gets from Docker. Docker refuses a limit above the cores of
 * the machine its daemon runs on. The local site runs hosts of a large host class (say 64
 * CPUs) on a machine with 2 cores, so on the local profile every limit is scaled by
 * machine cores / host class CPUs: containers keep the shares placement gave them.
 * Placement and the plan use the container types' full CPU; only Docker sees the scaled one.
 */
import { cpus } from "node:os";
import { InventoryHost } from "../../model/inventory";
import { Profile } from "../../model/profile";

export interface CpuScaling {
  /** Default "cloud": no scaling. */
  profile?: Profile;
  /** Cores of the machine the local site runs on. Default: this machine's. */
  machineCores?: number;
}

function machineCores(scaling: CpuScaling): number {
  return scaling.machineCores ?? cpus().length;
}

/** The factor applied to CPU limits on a host with `hostCpu` CPUs: 1 except on the local profile. */
export function cpuScale(hostCpu: number, scaling: CpuScaling): number {
  return scaling.profile === "local" ? Math.min(1, machineCores(scaling) / hostCpu) : 1;
}

/** The CPU limit handed to Docker for a container of `cpu` CPUs on a host with `hostCpu`. */
export function cpuLimit(cpu: number, hostCpu: number, scaling: CpuScaling): number {
  return +(cpu * cpuScale(hostCpu, scaling)).toFixed(4);
}

/** The plan's note for reviewers when some limits are scaled (hosts in node order); undefined when none is. */
export function cpuScalingNote(hosts: InventoryHost[], scaling: CpuScaling): string | undefined {
  const sorted = [...hosts].sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
  const scales = [...new Set(sorted.map((h) => cpuScale(h.capacity.cpu, scaling)))].filter((s) => s < 1);
  if (scales.length === 0) return undefined;
  return (
    `local profile: Docker refuses CPU limits above the machine's ${machineCores(scaling)} core(s), so container CPU limits are scaled by machine cores / host class CPU ` +
    `(×${scales.map((s) => +s.toFixed(4)).join(", ×")}); placement still uses the container types' full CPU`
  );
}
