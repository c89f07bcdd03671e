import { Resources } from "../../../model/container-types";
import { Filter } from "../filter";
import { HostState } from "../host-state";

/** The larger of the missing CPU and memory, as a share of what was asked: 0.25 is a quarter short. */
function gap(short: Resources, asked: Resources): number {
  return Math.max(asked.cpu > 0 ? short.cpu / asked.cpu : 0, asked.memoryMiB > 0 ? short.memoryMiB / asked.memoryMiB : 0);
}

/** "0.5 CPU and 1024 MiB memory", rounded up so that a shortfall never reads as 0. */
function amount(short: Resources): string {
  const parts: string[] = [];
  if (short.cpu > 0) parts.push(`${Math.ceil(short.cpu * 1000) / 1000} CPU`);
  if (short.memoryMiB > 0) parts.push(`${Math.ceil(short.memoryMiB)} MiB memory`);
  return parts.join(" and ");
}

/** CPU and memory reservations must fit the host's capacity; there is no overcommit. */
export const resources: Filter = {
  name: "resources",
  static: false,
  accepts: (host, request) => host.fits(request.resources),
  /** The host closest to fitting; of equals the first (hosts come in node-name order). */
  explain: (rejected, request) => {
    const gapOf = (host: HostState) => gap(host.shortfall(request.resources), request.resources);
    const closest = rejected.reduce((best, host) => (gapOf(host) < gapOf(best) ? host : best));
    return `closest: ${closest.host.node}, short ${amount(closest.shortfall(request.resources))}`;
  },
};
