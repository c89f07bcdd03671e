/**
 * Reads the live inventory: hosts from the Consul catalog (node meta), their health
 * (serfHealth), init status and assignments from KV, dcp containers from each daemon,
 * catalog services and upstream entries. Daemons are asked in parallel, bounded, each
 * with a timeout: a dead daemon makes its host unhealthy instead of hanging the read.
 */
import pLimit from "p-limit";
import { KV, NODE_META } from "../../model/host-metadata";
import { ConsulClient } from "../consul/client";
import { DiscoveryPublisher } from "../discovery/publisher";
import { DaemonContainer } from "../docker/driver";
import { DockerHosts } from "../docker/hosts";
import { Inventory, InventoryContainer, InventoryHost, InventoryService } from "../../model/inventory";

/**
 * Daemons asked at once by default. A read is a TLS handshake and one list: dcp's own CPU
 * (a few ms per new connection) is what bounds a thousand of them, and more in flight only
 * makes each wait longer in dcp's queue, which eats into its daemon's timeout. 64 keeps
 * that wait under a second even on two shared cores while hosts far away (tens of ms)
 * still overlap.
 */
export const INVENTORY_PARALLEL = 64;

export interface ReadInventoryOptions {
  /** Daemons asked at once. Default INVENTORY_PARALLEL. */
  parallel?: number;
  /**
   * A daemon that does not answer within this is taken as lost (unhealthy, its containers
   * unknown), so a slow or dead host never holds up the others. Default 5000 ms: a live
   * daemon answers a list in milliseconds, even a busy one within a second or two.
   */
  daemonTimeoutMs?: number;
}

/** `{"pools":["feed-api"]}`; a bare pool name (older writers) is read as one pool. */
export function parseAssignment(raw: string): string[] {
  try {
    const value = JSON.parse(raw) as { pools?: unknown };
    if (Array.isArray(value?.pools)) return value.pools.filter((p): p is string => typeof p === "string");
  } catch {
    // not JSON: fall through
  }
  return raw.trim() ? [raw.trim()] : [];
}

export function assignmentValue(pools: string[]): string {
  return JSON.stringify({ pools: [...pools].sort() });
}

type CheckStatus = InventoryContainer["health"];

/** The worst status wins, as Consul's own service health does. */
function worse(a: CheckStatus | undefined, b: CheckStatus): CheckStatus {
  const order: CheckStatus[] = ["passing", "unknown", "warning", "critical"];
  return a === undefined || order.indexOf(b) > order.indexOf(a) ? b : a;
}

export async function readInventory(consul: ConsulClient, dockers: DockerHosts, options: ReadInventoryOptions = {}): Promise<Inventory> {
  const at = new Date().toISOString();
  const root = consul.config.kvRoot;
  const publisher = new DiscoveryPublisher(consul);
  const dcpNodes = (await consul.nodes()).filter((n) => n.meta[NODE_META.docker]).sort((a, b) => (a.node < b.node ? -1 : 1));
  // The daemons are asked while the rest of the catalog and KV is read: a thousand TLS
  // handshakes need not wait for the server's answers.
  const [daemons, checks, services, inits, assignments, upstreams] = await Promise.all([
    readDaemons(dcpNodes, dockers, options),
    consul.checks(),
    consul.services(),
    consul.kvList(`${root}/hosts/`),
    consul.kvList(KV.assignments(root)),
    publisher.readUpstreams(),
  ]);

  const serfPassing = new Set(checks.filter((c) => c.checkId === "serfHealth" && c.status === "passing").map((c) => c.node));
  const serviceHealth = new Map<string, CheckStatus>();
  for (const c of checks) {
    if (!c.serviceId) continue;
    const key = `${c.node}/${c.serviceId}`;
    serviceHealth.set(key, worse(serviceHealth.get(key), c.status));
  }
  // Ready hosts, with the time their bootstrap reported ready (their join time, for cost).
  const readySince = new Map<string, string>();
  for (const { key, value } of inits) {
    const m = new RegExp(`^${root}/hosts/([^/]+)/init$`).exec(key);
    if (!m) continue;
    try {
      const status = JSON.parse(value) as { stage?: string; ok?: boolean; at?: string };
      if (status.stage === "ready" && status.ok === true) readySince.set(m[1], status.at ?? "");
    } catch {
      // A value that is not JSON: the host does not count as initialised.
    }
  }
  const assignedByNode = new Map<string, string[]>();
  for (const { key, value } of assignments) assignedByNode.set(key.slice(KV.assignments(root).length), parseAssignment(value));

  const hosts = dcpNodes.map((n, i): InventoryHost => {
    const listed = daemons[i];
    const containers = listed && listed.map((c) => ({ ...c, health: serviceHealth.get(`${n.node}/${c.name}`) ?? "unknown" }));
    return {
      node: n.node,
      address: n.address,
      idc: n.meta[NODE_META.idc] ?? "",
      zone: n.meta[NODE_META.zone] ?? "",
      fleet: n.meta[NODE_META.fleet] ?? "",
      cloud: n.meta[NODE_META.cloud] === "true",
      capacity: { cpu: Number(n.meta[NODE_META.hostClassCpu] ?? 0), memoryMiB: Number(n.meta[NODE_META.hostClassMemoryMiB] ?? 0) },
      dockerEndpoint: n.meta[NODE_META.docker],
      meta: n.meta,
      healthy: serfPassing.has(n.node) && containers !== null,
      initialised: readySince.has(n.node),
      ...(readySince.get(n.node) ? { since: readySince.get(n.node) } : {}),
      assignedPools: assignedByNode.get(n.node) ?? [],
      containers,
    };
  });

  const inventoryServices: InventoryService[] = services.map((s) => ({
    node: s.node,
    serviceId: s.serviceId,
    name: s.serviceName,
    address: s.address,
    port: s.port,
    meta: s.meta,
  }));
  return { hosts, upstreams, services: inventoryServices, at };
}

/** Each node's dcp containers as its daemon lists them; null for a daemon that did not answer in time. */
async function readDaemons(nodes: Array<{ node: string; meta: Record<string, string> }>, dockers: DockerHosts, options: ReadInventoryOptions): Promise<Array<DaemonContainer[] | null>> {
  const limit = pLimit(options.parallel ?? INVENTORY_PARALLEL);
  const timeoutMs = options.daemonTimeoutMs ?? 5000;
  return Promise.all(
    nodes.map((n) =>
      limit(async () => {
        // Outside the try: missing TLS material is the user's error, not a dead host.
        const driver = dockers.get(n.node, n.meta[NODE_META.docker]);
        try {
          return await driver.listDcpContainers(timeoutMs);
        } catch {
          return null;
        }
      }),
    ),
  );
}
