/** Small desired states and inventories for planner tests, and a simulator that applies a plan to an inventory the way apply does to the fleet. */
import { CONTAINER_TYPES } from "../../../model/container-types";
import { DesiredState, PoolSpec } from "../../../model/desired-state";
import { diffUpstreams } from "../../../runtime/discovery/upstreams";
import { upstreamValue } from "../../../model/upstreams";
import { Inventory, InventoryContainer, InventoryHost, UpstreamEntry } from "../../../model/inventory";
import { containerName, instanceId, specHash } from "../../../runtime/plan/spec";
import { Change } from "../../../runtime/plan/types";

export function pool(name: string, overrides: Partial<PoolSpec> = {}): PoolSpec {
  const replicas = overrides.replicas ?? 3;
  return {
    name,
    image: "reg:5000/dcp/demo:1",
    containerType: "dP01",
    replicas,
    effectiveReplicas: replicas,
    idcs: ["yf-private", "aliyun-bj"],
    ports: [{ name: "http", port: 0 }],
    healthCheck: { path: "/health", port: 0, intervalSeconds: 1, timeoutSeconds: 1 },
    upstream: { name: name.replace(/-/g, "_"), weight: 20, maxFails: 2, failTimeoutSeconds: 10 },
    placement: { strategy: "spread", constraints: [] },
    dependencies: [],
    owner: "feed-team",
    env: {},
    source: `stacks/pools/${name}.yaml`,
    ...overrides,
  };
}

export function desired(pools: PoolSpec[]): DesiredState {
  return {
    version: 1,
    idcs: [
      { name: "yf-private", kind: "private", zones: ["yf-a"], consulAddress: "127.0.0.1:8500", cloudWeightFactor: 1 },
      { name: "aliyun-bj", kind: "cloud", region: "cn-beijing", zones: ["cn-beijing-h"], consulAddress: "127.0.0.1:8500", cloudWeightFactor: 0.8 },
    ],
    fleets: [],
    pools,
  };
}

export function host(n: number, overrides: Partial<InventoryHost> = {}): InventoryHost {
  const cloud = overrides.cloud ?? n > 2;
  return {
    node: `h${n}`,
    address: `192.168.79.${10 + n}`,
    idc: cloud ? "aliyun-bj" : "yf-private",
    zone: cloud ? "cn-beijing-h" : "yf-a",
    fleet: cloud ? "bj-standard" : "yf-standard",
    cloud,
    capacity: { cpu: 32, memoryMiB: 65536 },
    dockerEndpoint: `tcp://192.168.79.${10 + n}:2376`,
    meta: {},
    healthy: true,
    initialised: true,
    assignedPools: [],
    containers: [],
    ...overrides,
  };
}

/** A live container of instance `index` of `p`: current spec (unless overridden), running, passing, dynamic port 20000 + index. */
export function container(p: PoolSpec, index: number, overrides: Partial<InventoryContainer> = {}): InventoryContainer {
  const instance = instanceId(p.name, index);
  const hash = overrides.specHash ?? specHash(p);
  return {
    id: `id-${instance}-${hash}`,
    name: containerName(instance, hash),
    pool: p.name,
    specHash: hash,
    instance,
    image: p.image,
    running: true,
    health: "passing",
    resources: { ...CONTAINER_TYPES[p.containerType] },
    ports: [20000 + index],
    createdAt: "",
    ...overrides,
  };
}

export function inventory(hosts: InventoryHost[], upstreams: UpstreamEntry[] = []): Inventory {
  return { hosts, upstreams, services: [], at: "2026-01-01T00:00:00Z" };
}

/** Applies changes to an inventory as the executor does to the fleet (containers healthy once started). */
export function simulate(inv: Inventory, changes: Change[]): Inventory {
  const next: Inventory = JSON.parse(JSON.stringify(inv));
  const byNode = new Map(next.hosts.map((h) => [h.node, h]));
  next.services ??= [];
  let id = 0;
  const editUpstream = (upstream: string, edit: (e: UpstreamEntry[]) => UpstreamEntry[]) => {
    const live = next.upstreams.filter((u) => u.upstream === upstream);
    const ops = diffUpstreams(edit(live.filter((u) => !u.down)), live, "upstreams");
    for (const op of ops) {
      const server = op.key.split("/").pop()!;
      next.upstreams = next.upstreams.filter((u) => !(u.upstream === upstream && u.server === server));
      if (op.verb === "set") {
        const v = JSON.parse(op.value);
        next.upstreams.push({ upstream, server, weight: v.weight, maxFails: v.max_fails, failTimeoutSeconds: v.fail_timeout, down: v.down === 1, raw: op.value });
      }
    }
  };
  for (const c of changes) {
    const h = byNode.get(c.node);
    const find = (name: string) => h?.containers?.find((x) => x.name === name);
    switch (c.kind) {
      case "assign-host":
        h!.assignedPools = c.pools;
        break;
      case "unassign-host":
        h!.assignedPools = c.pools;
        break;
      case "create":
        if (!find(c.containerName)) {
          h!.containers!.push({
            id: `sim-${c.containerName}-${c.node}-${id++}`,
            name: c.containerName,
            pool: c.pool,
            specHash: c.specHash,
            instance: c.instance,
            image: c.image,
            running: false,
            health: "unknown",
            resources: { ...CONTAINER_TYPES[c.containerType] },
            ports: c.ports.map((p) => p.port),
            createdAt: "",
          });
        }
        break;
      case "start":
        find(c.containerName)!.running = true;
        break;
      case "wait-healthy":
        break;
      case "register":
        find(c.containerName)!.health = "passing";
        next.services!.push({ node: c.node, serviceId: c.containerName, name: c.pool, address: c.address, port: c.port, meta: { dcp_pool: c.pool, dcp_instance: c.instance } });
        break;
      case "publish-upstream": {
        const raw = upstreamValue({ weight: c.weight, maxFails: c.maxFails, failTimeoutSeconds: c.failTimeoutSeconds, down: false });
        editUpstream(c.upstream, (e) => [...e.filter((x) => x.server !== c.server), { upstream: c.upstream, server: c.server, weight: c.weight, maxFails: c.maxFails, failTimeoutSeconds: c.failTimeoutSeconds, down: false, raw }]);
        break;
      }
      case "unpublish-upstream":
        editUpstream(c.upstream, (e) => e.filter((x) => x.server !== c.server));
        break;
      case "drain": {
        next.services = next.services!.filter((s) => !(s.node === c.node && s.serviceId === c.serviceId));
        const container = h?.containers?.find((x) => x.name === c.serviceId);
        if (container) container.health = "unknown";
        break;
      }
      case "stop": {
        const container = h?.containers?.find((x) => x.id === c.containerId);
        if (container) container.running = false;
        break;
      }
      case "remove":
        if (h?.containers) h.containers = h.containers.filter((x) => x.id !== c.containerId);
        break;
    }
  }
  return next;
}

/** Containers of a pool across usable hosts. */
export function containersOf(inv: Inventory, poolName: string) {
  return inv.hosts.flatMap((h) => (h.containers ?? []).filter((c) => c.pool === poolName).map((c) => ({ ...c, node: h.node })));
}
