/** Small builders for scheduler tests: a 16c/32g healthy assigned host and a dP01 binpack request by default. */
import { ContainerRequest, SchedulerHost } from "../../../runtime/scheduler/types";

export function host(node: string, overrides: Partial<SchedulerHost> = {}): SchedulerHost {
  const idc = overrides.idc ?? "yf-private";
  const zone = overrides.zone ?? "yf-a";
  const fleet = overrides.fleet ?? "yf-standard";
  return {
    node,
    idc,
    zone,
    fleet,
    attributes: { idc, zone, fleet },
    capacity: { cpu: 16, memoryMiB: 32768 },
    reserved: { cpu: 0, memoryMiB: 0 },
    usedPorts: [],
    poolCounts: {},
    healthy: true,
    initialised: true,
    buffer: false,
    ...overrides,
  };
}

export function request(
  pool: string,
  instance: string | number,
  overrides: Partial<ContainerRequest> = {}
): ContainerRequest {
  return {
    pool,
    instance: String(instance),
    resources: { cpu: 2, memoryMiB: 4096 },
    ports: [0],
    idcs: ["yf-private"],
    constraints: [],
    antiAffinity: false,
    strategy: "binpack",
    ...overrides,
  };
}

export function replicas(count: number, pool: string, overrides: Partial<ContainerRequest> = {}): ContainerRequest[] {
  return Array.from({ length: count }, (_, i) => request(pool, i, overrides));
}

/** node of each placed instance, keyed "pool/instance". */
export function nodes(result: {
  placements: { pool: string; instance: string; node: string }[];
}): Record<string, string> {
  return Object.fromEntries(result.placements.map((p) => [`${p.pool}/${p.instance}`, p.node]));
}
