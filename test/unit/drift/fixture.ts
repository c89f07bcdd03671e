/** A small converged world (desired state + matching inventory) that each drift test bends one way. */
import { DesiredState, PoolSpec } from "../../../model/desired-state";
import { KV } from "../../../model/host-metadata";
import { Inventory, InventoryContainer, InventoryHost } from "../../../model/inventory";
import { upstreamKey } from "../../../runtime/discovery/upstreams";
import { upstreamValue } from "../../../model/upstreams";
import { ConsulEntries, DetectOptions } from "../../../runtime/drift/detect";
import { container as planContainer } from "../plan/fixtures";

export const OPTIONS: DetectOptions = { kvRoot: "dcp", upstreamPrefix: "upstreams" };

function pool(name: string, port: number, replicas: number, upstream?: { name: string; weight: number }): PoolSpec {
  return {
    name,
    image: `registry.local/${name}:1`,
    containerType: "dP01",
    replicas,
    effectiveReplicas: replicas,
    idcs: ["yf-private", "aliyun-bj"],
    ports: [{ name: "http", port }],
    upstream: upstream && { ...upstream, maxFails: 2, failTimeoutSeconds: 10 },
    placement: { strategy: "spread", constraints: [] },
    dependencies: [],
    owner: "feed-team",
    env: {},
    source: `stacks/pools/${name}.yaml:1`,
  };
}

export function desiredState(): DesiredState {
  return {
    version: 1,
    idcs: [
      { name: "yf-private", kind: "private", zones: ["yf-a"], consulAddress: "10.0.0.1:8500", cloudWeightFactor: 1 },
      { name: "aliyun-bj", kind: "cloud", region: "cn-beijing", zones: ["cn-beijing-h", "cn-beijing-i"], consulAddress: "10.1.0.1:8500", cloudWeightFactor: 0.8 },
    ],
    fleets: [
      { name: "yf-standard", idc: "yf-private", hostClass: { cpu: 32, memoryMiB: 65536 }, instanceTypes: [], chargeType: "PostPaid", hostsForPools: 1, bufferHosts: 0, freeHosts: 0, desiredHosts: 1 },
      { name: "bj-standard", idc: "aliyun-bj", hostClass: { cpu: 16, memoryMiB: 32768 }, instanceTypes: ["ecs.c7.4xlarge"], chargeType: "PostPaid", hostsForPools: 1, bufferHosts: 1, freeHosts: 0, desiredHosts: 2 },
    ],
    pools: [pool("web", 8080, 2, { name: "web", weight: 20 }), pool("cache", 11211, 1)],
  };
}

/** A running, passing container of instance `index` of `p` on its fixed port. */
export function container(p: PoolSpec, index: number, overrides: Partial<InventoryContainer> = {}): InventoryContainer {
  return planContainer(p, index, { ports: [p.ports[0].port], createdAt: "2026-01-01T00:00:00Z", ...overrides });
}

function host(node: string, address: string, cloud: boolean, assignedPools: string[], containers: InventoryContainer[]): InventoryHost {
  const meta = cloud
    ? { dcp_idc: "aliyun-bj", dcp_zone: "cn-beijing-h", dcp_fleet: "bj-standard", dcp_cpu: "16", dcp_memory_mib: "32768", dcp_cloud: "true" }
    : { dcp_idc: "yf-private", dcp_zone: "yf-a", dcp_fleet: "yf-standard", dcp_cpu: "32", dcp_memory_mib: "65536", dcp_cloud: "false" };
  return {
    node,
    address,
    idc: meta.dcp_idc,
    zone: meta.dcp_zone,
    fleet: meta.dcp_fleet,
    cloud,
    capacity: { cpu: Number(meta.dcp_cpu), memoryMiB: Number(meta.dcp_memory_mib) },
    dockerEndpoint: `tcp://${address}:2376`,
    meta,
    healthy: true,
    initialised: true,
    assignedPools,
    containers,
  };
}

export interface World {
  desired: DesiredState;
  inventory: Inventory;
  consul: ConsulEntries;
}

/** h1 (private) runs web-00000 and cache-00000; h3 (cloud) runs web-00001; h4 (cloud) is in the buffer. */
export function converged(): World {
  const desired = desiredState();
  const [web, cache] = desired.pools;
  const h1 = host("h1", "10.0.0.11", false, ["cache", "web"], [container(web, 0), container(cache, 0)]);
  const h3 = host("h3", "10.1.0.13", true, ["web"], [container(web, 1)]);
  const h4 = host("h4", "10.1.0.14", true, [], []);
  const entry = (address: string, weight: number) => {
    const value = { weight, maxFails: 2, failTimeoutSeconds: 10, down: false };
    return { upstream: "web", server: `${address}:8080`, ...value, raw: upstreamValue(value) };
  };
  const upstreams = [entry("10.0.0.11", 20), entry("10.1.0.13", 16)];
  const hosts = [h1, h3, h4];
  const services = hosts.flatMap((h) =>
    (h.containers ?? []).map((c) => ({
      node: h.node,
      serviceId: c.name,
      name: c.pool,
      address: h.address,
      port: c.ports[0],
      meta: { dcp_pool: c.pool, dcp_instance: c.instance, dcp_spec_hash: c.specHash },
    })),
  );
  const kvKeys = [
    ...hosts.map((h) => KV.hostInit("dcp", h.node)),
    KV.assignment("dcp", "h1"),
    KV.assignment("dcp", "h3"),
    ...upstreams.map((u) => upstreamKey("upstreams", u.upstream, u.server)),
  ];
  return {
    desired,
    inventory: { hosts, upstreams, services, at: "2026-01-01T00:00:00Z" },
    consul: { kvKeys, agentlessNodes: [], nodesWithoutDocker: [] },
  };
}

export function hostOf(world: World, node: string): InventoryHost {
  const h = world.inventory.hosts.find((x) => x.node === node);
  if (!h) throw new Error(`no host ${node} in the fixture`);
  return h;
}
