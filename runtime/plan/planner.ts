/**
 * The planner: a pure function of the desired state and the live inventory. It decides
 * scale-out/in, replacement of containers whose host is lost, rolling updates by spec
 * hash in batches, repairs after a crash, and the upstream/catalog changes that go with
 * them. No I/O: the same inputs and seed give the same plan.
 */
import { CONTAINER_TYPES } from "../../model/container-types";
import { DesiredState, HealthCheckSpec, IdcSpec, PoolSpec } from "../../model/desired-state";
import { SERVICE_META } from "../../model/host-metadata";
import { DcpError } from "../../model/errors";
import { cloudWeight } from "../../model/upstreams";
import { Inventory, InventoryContainer, InventoryHost } from "../../model/inventory";
import { parseConstraint, schedule } from "../scheduler";
import { ContainerRequest, SchedulerHost } from "../scheduler/types";
import { containerName, instanceId, instanceIndex, specHash } from "./spec";
import {
  Change,
  ChangeReason,
  ContainerPort,
  PlanOptions,
  PoolSummary,
  RuntimePlan,
  UnplacedContainer,
} from "./types";

/** Dynamic host ports (PortSpec.port 0) come from this range. */
export const DYNAMIC_PORTS = { first: 20000, last: 29999 } as const;

interface Located {
  host: InventoryHost;
  container: InventoryContainer;
}

/** A container to create: a missing instance, or the new spec of an instance under rolling update. */
interface NewContainer {
  pool: PoolSpec;
  hash: string;
  instance: string;
  wave: number;
  reason: ChangeReason;
}

interface Removal {
  located: Located;
  wave: number;
  reason: ChangeReason;
}

interface Repair {
  pool: PoolSpec;
  located: Located;
}

function isHealthy(pool: PoolSpec, c: InventoryContainer): boolean {
  if (!c.running) return false;
  return c.health === "passing" || (!pool.healthCheck && c.health !== "critical");
}

/** Keeper preference: healthy, then running, then on a host assigned to the pool, then by node for determinism. */
function rank(pool: PoolSpec, l: Located): number[] {
  return [isHealthy(pool, l.container) ? 0 : 1, l.container.running ? 0 : 1, l.host.assignedPools.includes(pool.name) ? 0 : 1];
}

function compareLocated(pool: PoolSpec) {
  return (a: Located, b: Located): number => {
    const ra = rank(pool, a);
    const rb = rank(pool, b);
    for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i] - rb[i];
    return a.host.node < b.host.node ? -1 : a.host.node > b.host.node ? 1 : 0;
  };
}

/** Health check port: 0 means the first port; a declared dynamic port resolves to the host port picked for it. */
function resolveHealthCheck(pool: PoolSpec, ports: ContainerPort[]): HealthCheckSpec | undefined {
  const hc = pool.healthCheck;
  if (!hc || ports.length === 0) return hc;
  if (hc.port === 0) return { ...hc, port: ports[0].port };
  return hc;
}

function upstreamWeight(pool: PoolSpec, host: InventoryHost, idcs: Map<string, IdcSpec>): number {
  const weight = pool.upstream!.weight;
  if (!host.cloud) return weight;
  return cloudWeight(weight, idcs.get(host.idc)?.cloudWeightFactor ?? 1);
}

export function planChanges(desired: DesiredState, inventory: Inventory, options: PlanOptions = {}): RuntimePlan {
  const poolsByName = new Map(desired.pools.map((p) => [p.name, p]));
  const scope = options.pools ?? desired.pools.map((p) => p.name);
  for (const name of scope) {
    if (!poolsByName.has(name)) {
      throw new DcpError(`unknown pool "${name}"; desired pools: ${[...poolsByName.keys()].sort().join(", ") || "(none)"}`);
    }
  }
  const inScope = new Set(scope);
  const batchPercent = options.batchPercent ?? 25;
  if (!(batchPercent >= 1 && batchPercent <= 100)) throw new DcpError(`batch percent ${batchPercent} must be between 1 and 100`);
  const drainSeconds = options.drainSeconds ?? 2;
  const stopTimeoutSeconds = options.stopTimeoutSeconds ?? 10;
  const idcs = new Map(desired.idcs.map((i) => [i.name, i]));
  const notes: string[] = [];

  const usable = (h: InventoryHost) => h.healthy && h.containers !== null;
  const hosts = [...inventory.hosts].sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
  const hostsByNode = new Map(hosts.map((h) => [h.node, h]));
  const lostHosts = hosts.filter((h) => !usable(h));
  for (const h of lostHosts) {
    const why = h.containers === null ? "its Docker daemon did not answer" : "Consul reports it unhealthy";
    notes.push(`host ${h.node} is lost (${why}): its containers are rescheduled on other hosts`);
  }

  // Instances whose last known home is a lost host, from the daemon (when it answered) and the catalog.
  const lostInstances = new Set<string>();
  for (const h of lostHosts) for (const c of h.containers ?? []) lostInstances.add(c.instance);
  for (const s of inventory.services ?? []) {
    const h = hostsByNode.get(s.node);
    if ((!h || !usable(h)) && s.meta[SERVICE_META.instance]) lostInstances.add(s.meta[SERVICE_META.instance]);
  }

  const managedPools = (c: InventoryContainer) => inScope.has(c.pool) || (options.prune === true && !poolsByName.has(c.pool));
  const newContainers: NewContainer[] = [];
  const removals: Removal[] = [];
  const repairs: Repair[] = [];
  const replaced = new Map<string, number>();

  const liveByPool = new Map<string, Located[]>();
  for (const h of hosts) {
    if (!usable(h)) continue;
    for (const c of h.containers!) {
      if (!managedPools(c)) continue;
      const list = liveByPool.get(c.pool) ?? [];
      list.push({ host: h, container: c });
      liveByPool.set(c.pool, list);
    }
  }

  for (const [poolName, live] of liveByPool) {
    if (poolsByName.has(poolName)) continue;
    for (const located of live) removals.push({ located, wave: 1, reason: "pool-removed" });
  }

  for (const name of scope) {
    const pool = poolsByName.get(name)!;
    const hash = specHash(pool);
    const wanted = pool.effectiveReplicas;
    const byInstance = new Map<string, Located[]>();
    for (const l of liveByPool.get(name) ?? []) {
      const list = byInstance.get(l.container.instance) ?? [];
      list.push(l);
      byInstance.set(l.container.instance, list);
    }
    for (const [instance, list] of byInstance) {
      const index = instanceIndex(name, instance);
      if (index === undefined || index >= wanted) for (const located of list) removals.push({ located, wave: 1, reason: "scale-in" });
    }

    const batchSize = Math.max(1, Math.ceil((wanted * batchPercent) / 100));
    let updates = 0;
    for (let index = 0; index < wanted; index++) {
      const instance = instanceId(name, index);
      const list = [...(byInstance.get(instance) ?? [])].sort(compareLocated(pool));
      const current = list.filter((l) => l.container.specHash === hash);
      const old = list.filter((l) => l.container.specHash !== hash);
      if (current.length > 0) {
        const [keeper, ...extra] = current;
        repairs.push({ pool, located: keeper });
        for (const located of extra) removals.push({ located, wave: 1, reason: "duplicate" });
        for (const located of old) removals.push({ located, wave: 1, reason: "rolling-update" });
      } else if (old.length > 0) {
        const wave = 1 + Math.floor(updates / batchSize);
        updates++;
        newContainers.push({ pool, hash, instance, wave, reason: "rolling-update" });
        for (const located of old) removals.push({ located, wave, reason: "rolling-update" });
      } else {
        const lost = lostInstances.has(instance);
        if (lost) replaced.set(name, (replaced.get(name) ?? 0) + 1);
        newContainers.push({ pool, hash, instance, wave: 1, reason: lost ? "replace-lost" : "scale-out" });
      }
    }
  }

  // Placement: what stays (everything live, including containers removed later in the
  // apply, because they still hold their resources while replacements start).
  const schedulerHosts: SchedulerHost[] = hosts.map((h) => {
    const reserved = { cpu: 0, memoryMiB: 0 };
    const poolCounts: Record<string, number> = {};
    const usedPorts: number[] = [];
    for (const c of h.containers ?? []) {
      reserved.cpu += c.resources.cpu;
      reserved.memoryMiB += c.resources.memoryMiB;
      poolCounts[c.pool] = (poolCounts[c.pool] ?? 0) + 1;
      usedPorts.push(...c.ports);
    }
    return {
      node: h.node,
      idc: h.idc,
      zone: h.zone,
      fleet: h.fleet,
      attributes: { ...h.meta, idc: h.idc, zone: h.zone, fleet: h.fleet, node: h.node },
      capacity: h.capacity,
      reserved,
      usedPorts,
      poolCounts,
      healthy: usable(h),
      initialised: h.initialised,
      buffer: h.assignedPools.length === 0,
    };
  });
  const requests: ContainerRequest[] = newContainers.map((n) => ({
    pool: n.pool.name,
    instance: n.instance,
    resources: { ...CONTAINER_TYPES[n.pool.containerType] },
    ports: n.pool.ports.map((p) => p.port).filter((p) => p !== 0),
    idcs: n.pool.idcs,
    constraints: n.pool.placement.constraints.map((c) => parseConstraint(c, `${n.pool.source}: pool ${n.pool.name} placement.constraints`)),
    antiAffinity: n.pool.placement.antiAffinity === "host",
    strategy: n.pool.placement.strategy,
  }));
  const result = requests.length > 0 ? schedule(schedulerHosts, requests, { seed: options.seed }) : { placements: [], unplaced: [] };
  const nodeOf = new Map(result.placements.map((p) => [`${p.pool}/${p.instance}`, p.node]));
  const unplaced: UnplacedContainer[] = result.unplaced.map((u) => ({ pool: u.pool, instance: u.instance, reason: u.reason, rejectedBy: u.rejectedBy }));
  const unplacedKeys = new Set(unplaced.map((u) => `${u.pool}/${u.instance}`));
  if (unplaced.length > 0) {
    notes.push(`${unplaced.length} container(s) could not be placed; their old containers (if any) are kept`);
  }

  // Dynamic ports per host, lowest free first, deterministic.
  const portsInUse = new Map<string, Set<number>>(schedulerHosts.map((h) => [h.node, new Set(h.usedPorts)]));
  const allocatePorts = (pool: PoolSpec, node: string): ContainerPort[] => {
    const used = portsInUse.get(node)!;
    for (const p of pool.ports) if (p.port !== 0) used.add(p.port);
    let next = DYNAMIC_PORTS.first;
    return pool.ports.map((p) => {
      if (p.port !== 0) return { name: p.name, port: p.port };
      while (used.has(next)) next++;
      if (next > DYNAMIC_PORTS.last) throw new DcpError(`host ${node} has no free dynamic port left in ${DYNAMIC_PORTS.first}-${DYNAMIC_PORTS.last}`);
      used.add(next);
      return { name: p.name, port: next };
    });
  };

  // Rolling-update removals wait for their replacement: an unplaced replacement keeps the old container.
  const blockedInstances = new Set(newContainers.filter((n) => unplacedKeys.has(`${n.pool.name}/${n.instance}`)).map((n) => `${n.pool.name}/${n.instance}`));
  const keptRemovals = removals.filter((r) => !(r.reason === "rolling-update" && blockedInstances.has(`${r.located.container.pool}/${r.located.container.instance}`)));

  const changes: Change[] = [];
  const liveEntries = new Map(inventory.upstreams.map((u) => [`${u.upstream}/${u.server}`, u]));
  const desiredServers = new Set<string>();
  const handledServers = new Set<string>();

  // Wave 0: hosts taken from the buffer (or given one more pool) before anything lands on them.
  const newPoolsOnNode = new Map<string, Set<string>>();
  for (const n of newContainers) {
    const node = nodeOf.get(`${n.pool.name}/${n.instance}`);
    if (!node) continue;
    const host = hostsByNode.get(node)!;
    if (host.assignedPools.includes(n.pool.name)) continue;
    const set = newPoolsOnNode.get(node) ?? new Set<string>();
    set.add(n.pool.name);
    newPoolsOnNode.set(node, set);
  }
  for (const [node, added] of newPoolsOnNode) {
    const host = hostsByNode.get(node)!;
    changes.push({
      kind: "assign-host",
      wave: 0,
      chain: `host:${node}`,
      direction: "host",
      node,
      reason: host.assignedPools.length === 0 ? "buffer" : "scale-out",
      pools: [...new Set([...host.assignedPools, ...added])].sort(),
      previousPools: [...host.assignedPools],
    });
  }

  const cpuScale = (host: InventoryHost): number =>
    options.profile === "local" ? Math.min(1, (options.machineCores ?? 1) / host.capacity.cpu) : 1;
  if (options.profile === "local") {
    const scales = [...new Set(hosts.map((h) => cpuScale(h)))].filter((s) => s < 1);
    if (scales.length > 0) {
      notes.push(
        `local profile: Docker refuses CPU limits above the machine's ${options.machineCores ?? 1} core(s), so container CPU limits are scaled by machine cores / host class CPU (×${scales.map((s) => +s.toFixed(4)).join(", ×")}); placement still uses the container types' full CPU`,
      );
    }
  }

  const upChain = (pool: PoolSpec, hash: string, instance: string, host: InventoryHost, wave: number, reason: ChangeReason, ports: ContainerPort[], steps: { create: boolean; start: boolean; register: boolean }) => {
    const name = containerName(instance, hash);
    const base = { wave, chain: `up:${name}`, direction: "up" as const, node: host.node, reason, pool: pool.name, instance, containerName: name, specHash: hash };
    const out: Change[] = [];
    if (steps.create) {
      const resources = { ...CONTAINER_TYPES[pool.containerType] };
      out.push({
        ...base,
        kind: "create",
        image: pool.image,
        containerType: pool.containerType,
        resources,
        cpuLimit: +(resources.cpu * cpuScale(host)).toFixed(4),
        ports,
        env: pool.env,
        command: pool.command,
      });
    }
    const healthCheck = resolveHealthCheck(pool, ports);
    if (steps.start) {
      out.push({ ...base, kind: "start" });
      out.push({ ...base, kind: "wait-healthy", healthCheck: healthCheck && { ...healthCheck, address: host.address } });
    }
    if (steps.register && ports.length > 0) {
      out.push({ ...base, kind: "register", address: host.address, port: ports[0].port, healthCheck, healthVerified: steps.start && healthCheck !== undefined });
    }
    if (pool.upstream && ports.length > 0) {
      const server = `${host.address}:${ports[0].port}`;
      desiredServers.add(`${pool.upstream.name}/${server}`);
      const weight = upstreamWeight(pool, host, idcs);
      const live = liveEntries.get(`${pool.upstream.name}/${server}`);
      const upToDate = live && !live.down && live.weight === weight && live.maxFails === pool.upstream.maxFails && live.failTimeoutSeconds === pool.upstream.failTimeoutSeconds;
      if (!upToDate) {
        out.push({
          wave,
          chain: base.chain,
          direction: "up",
          node: host.node,
          reason,
          kind: "publish-upstream",
          pool: pool.name,
          instance,
          upstream: pool.upstream.name,
          server,
          weight,
          maxFails: pool.upstream.maxFails,
          failTimeoutSeconds: pool.upstream.failTimeoutSeconds,
        });
      }
    }
    return out;
  };

  const ups: Change[] = [];
  for (const n of newContainers) {
    const node = nodeOf.get(`${n.pool.name}/${n.instance}`);
    if (!node) continue;
    const host = hostsByNode.get(node)!;
    ups.push(...upChain(n.pool, n.hash, n.instance, host, n.wave, n.reason, allocatePorts(n.pool, node), { create: true, start: true, register: true }));
  }
  for (const r of repairs) {
    const { host, container } = r.located;
    const ports = r.pool.ports.map((p, i) => ({ name: p.name, port: container.ports[i] ?? p.port }));
    ups.push(...upChain(r.pool, container.specHash, container.instance, host, 1, "repair", ports, {
      create: false,
      start: !container.running,
      register: !container.running || container.health === "unknown",
    }));
  }

  const downs: Change[] = [];
  const registered = new Set((inventory.services ?? []).map((s) => `${s.node}/${s.serviceId}`));
  for (const r of keptRemovals) {
    const { host, container } = r.located;
    const pool = poolsByName.get(container.pool);
    const base = { wave: r.wave, chain: `down:${container.name}@${host.node}`, direction: "down" as const, node: host.node, reason: r.reason };
    const server = container.ports.length > 0 ? `${host.address}:${container.ports[0]}` : undefined;
    if (server) {
      for (const entry of inventory.upstreams) {
        if (entry.server !== server) continue;
        handledServers.add(`${entry.upstream}/${server}`);
        downs.push({ ...base, kind: "unpublish-upstream", pool: container.pool, instance: container.instance, upstream: entry.upstream, server });
      }
      if (pool?.upstream) handledServers.add(`${pool.upstream.name}/${server}`);
    }
    if (registered.has(`${host.node}/${container.name}`) || container.health !== "unknown") {
      downs.push({ ...base, kind: "drain", pool: container.pool, instance: container.instance, serviceId: container.name, address: host.address, seconds: drainSeconds });
    }
    const ids = { pool: container.pool, instance: container.instance, containerName: container.name, specHash: container.specHash, containerId: container.id };
    if (container.running) downs.push({ ...base, ...ids, kind: "stop", timeoutSeconds: stopTimeoutSeconds });
    downs.push({ ...base, ...ids, kind: "remove" });
  }

  // Upstream entries and catalog services with no container behind them (e.g. on a lost host).
  const scopeUpstreams = new Set(scope.map((n) => poolsByName.get(n)!.upstream?.name).filter((u): u is string => !!u));
  const lastWave = Math.max(1, ...newContainers.map((n) => n.wave), ...keptRemovals.map((r) => r.wave));
  for (const entry of inventory.upstreams) {
    const key = `${entry.upstream}/${entry.server}`;
    if (!scopeUpstreams.has(entry.upstream) || desiredServers.has(key) || handledServers.has(key)) continue;
    if (entry.down && ![...desiredServers].some((s) => s.startsWith(`${entry.upstream}/`))) continue; // the kept last entry of an emptied upstream
    const node = hosts.find((h) => entry.server.startsWith(`${h.address}:`))?.node ?? "";
    downs.push({ kind: "unpublish-upstream", wave: lastWave, chain: `down:upstream:${key}`, direction: "down", node, reason: "stale", upstream: entry.upstream, server: entry.server });
  }
  const liveNames = new Set<string>();
  for (const h of hosts) for (const c of h.containers ?? []) if (usable(h)) liveNames.add(`${h.node}/${c.name}`);
  const removedNames = new Set(keptRemovals.map((r) => `${r.located.host.node}/${r.located.container.name}`));
  for (const s of inventory.services ?? []) {
    const pool = s.meta[SERVICE_META.pool];
    if (!pool || !(inScope.has(pool) || (options.prune === true && !poolsByName.has(pool)))) continue;
    const key = `${s.node}/${s.serviceId}`;
    if (liveNames.has(key) || removedNames.has(key)) continue;
    downs.push({ kind: "drain", wave: lastWave, chain: `down:service:${key}`, direction: "down", node: s.node, reason: "stale", pool, instance: s.meta[SERVICE_META.instance] ?? "", serviceId: s.serviceId, address: s.address, seconds: 0 });
  }

  // Last wave: pools that end with no container on a host are taken off it; a host left with none returns to the buffer.
  const finalCount = new Map<string, Map<string, number>>(hosts.map((h) => [h.node, new Map<string, number>()]));
  const bump = (node: string, pool: string, by: number) => finalCount.get(node)!.set(pool, (finalCount.get(node)!.get(pool) ?? 0) + by);
  for (const h of hosts) for (const c of h.containers ?? []) bump(h.node, c.pool, 1);
  for (const r of keptRemovals) bump(r.located.host.node, r.located.container.pool, -1);
  for (const p of result.placements) bump(p.node, p.pool, 1);
  const unassigns: Change[] = [];
  for (const h of hosts) {
    if (!usable(h) || h.assignedPools.length === 0) continue;
    const counts = finalCount.get(h.node)!;
    const hostEmpty = [...counts.values()].every((n) => n <= 0);
    // Only pools this plan manages are taken off; an empty host is returned whatever it was assigned to.
    const remaining = hostEmpty ? [] : h.assignedPools.filter((p) => !inScope.has(p) || (counts.get(p) ?? 0) > 0);
    if (remaining.length === h.assignedPools.length) continue;
    unassigns.push({ kind: "unassign-host", wave: lastWave + 1, chain: `host:${h.node}`, direction: "host", node: h.node, reason: "buffer", previousPools: [...h.assignedPools], pools: remaining });
  }

  // Waves in order; in each wave every up chain before any down chain (stable sort keeps chain order).
  const directionOrder = { host: 0, up: 1, down: 2 } as const;
  const ordered = [...changes, ...ups, ...downs, ...unassigns]
    .map((c, i) => ({ c, i }))
    .sort((a, b) => a.c.wave - b.c.wave || directionOrder[a.c.direction] - directionOrder[b.c.direction] || a.i - b.i)
    .map((x) => x.c);

  const summary: PoolSummary[] = scope.map((name) => {
    const pool = poolsByName.get(name)!;
    const live = liveByPool.get(name) ?? [];
    return {
      pool: name,
      desired: pool.effectiveReplicas,
      running: live.filter((l) => l.container.running).length,
      healthy: live.filter((l) => isHealthy(pool, l.container)).length,
      toCreate: ordered.filter((c) => c.kind === "create" && c.pool === name).length,
      toRemove: ordered.filter((c) => c.kind === "remove" && c.pool === name).length,
      upToDate: pool.effectiveReplicas - unplaced.filter((u) => u.pool === name).length,
      replaced: replaced.get(name) ?? 0,
    };
  });

  return { changes: ordered, summary, unplaced, notes };
}
