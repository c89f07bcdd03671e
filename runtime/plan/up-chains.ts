/**
 * Phase 3a, up chains: create → start → wait-healthy → register → publish-upstream for
 * each placed new container, and the part of that chain a kept container still needs
 * (a stopped one is started, an unregistered one checked and registered, a missing or
 * stale upstream entry published); nothing is published before it has passed its check.
 * A kept container whose check fails has its entry published down, and up again once it
 * passes; one that exited has it down while it starts again. A replacement in place is one
 * chain: the old container's take-down (take-down.ts), then the new container's up chain
 * on the same host and ports.
 */
import { CONTAINER_TYPES } from "../../model/container-types";
import { HealthCheckSpec, PoolSpec } from "../../model/desired-state";
import { InventoryHost, UpstreamEntry } from "../../model/inventory";
import { cloudWeight, upstreamValue } from "../../model/upstreams";
import { instanceKey, PlanContext } from "./context";
import { InstanceDiff } from "./instances";
import { Placement } from "./placement";
import { containerName } from "./spec";
import { ChainDirection, Change, ChangeReason, ContainerPort, PublishUpstreamChange } from "./types";
import { liveEntries } from "./down-chains";
import { takeDownChain } from "./take-down";

/** One container's up chain: which container, where, and which of its steps are still to do. */
export interface UpTarget {
  pool: PoolSpec;
  hash: string;
  instance: string;
  host: InventoryHost;
  wave: number;
  reason: ChangeReason;
  ports: ContainerPort[];
  /** `verify`: wait for the check of a container that runs but was never checked. */
  steps: { create: boolean; start: boolean; register: boolean; verify?: boolean };
  /** The chain it belongs to when not its own (a replacement in place). */
  within?: { chain: string; direction: ChainDirection };
  /** Its upstream entry is published down: the container's check fails. */
  down?: boolean;
}

export interface UpChains {
  changes: Change[];
  /** `upstream/server` of every entry the plan wants published, changed or not. */
  wantedServers: Set<string>;
}

export function upChains(ctx: PlanContext, diff: InstanceDiff, placement: Placement): UpChains {
  const live = new Map(ctx.inventory.upstreams.map((u) => [`${u.upstream}/${u.server}`, u]));
  // A container replaced in place is unpublished before its successor, which may take its ip:port.
  const replacedInPlace = [...placement.removals.filter((r) => r.inPlace).map((r) => r.located), ...placement.inPlace.map((p) => p.old)];
  for (const { host, container } of replacedInPlace.filter((l) => l.container.ports.length > 0)) {
    const server = `${host.address}:${container.ports[0]}`;
    for (const [key, entry] of live) if (entry.server === server) live.delete(key);
  }
  const out: UpChains = { changes: [], wantedServers: heldServers(diff) };
  /** `republish`: the entry is published even when KV holds it already (the chain marked it down first). */
  const add = (target: UpTarget, republish = false) => {
    out.changes.push(...upChain(target));
    const entry = publishUpstream(ctx, target, republish ? new Map() : live);
    if (!entry) return;
    out.wantedServers.add(`${entry.upstream}/${entry.server}`);
    if (entry.change) out.changes.push(entry.change);
  };
  for (const n of placement.creates) {
    const node = placement.nodeOf.get(instanceKey(n.pool.name, n.instance));
    if (!node) continue;
    const ports = placement.ports.allocate(n.pool, node);
    add({ ...n, host: ctx.hostsByNode.get(node)!, ports, steps: { create: true, start: true, register: true } });
  }
  for (const { pool, located } of diff.repairs) {
    const { host, container } = located;
    const ports = pool.ports.map((p, i) => ({ name: p.name, port: container.ports[i] ?? p.port }));
    // Running but never registered (e.g. a roll stopped at its health check): checked first.
    const steps = { create: false, start: !container.running, register: !container.running || container.health === "unknown", verify: container.running && container.health === "unknown" };
    const target: UpTarget = { pool, hash: container.specHash, instance: container.instance, host, wave: 1, reason: "repair", ports, steps };
    if (!container.running) {
      // An exited container takes no traffic while it starts again: its entry goes down first, then up once it passes.
      const down = publishUpstream(ctx, { ...target, down: true }, live)?.change;
      if (down) out.changes.push(down);
      add(target, down !== undefined);
    } else {
      add({ ...target, down: ctx.settings.followChecks && container.health === "critical" && pool.healthCheck !== undefined });
    }
  }
  inPlaceChains(ctx, placement, out.changes, add);
  return out;
}

/** Servers of old containers held while their instance's new one is unhealthy: they stay published. */
function heldServers(diff: InstanceDiff): Set<string> {
  const out = new Set<string>();
  for (const { pool, located } of diff.held) {
    if (pool.upstream && located.container.ports.length > 0) out.add(`${pool.upstream.name}/${located.host.address}:${located.container.ports[0]}`);
  }
  return out;
}

/** Each replacement in place: the old container's take-down, then the new one's up chain, one chain on one host. */
function inPlaceChains(ctx: PlanContext, placement: Placement, changes: Change[], add: (t: UpTarget) => void): void {
  const live = liveEntries(ctx.inventory, [...ctx.pools.values()]);
  for (const p of placement.inPlace) {
    const { host, container } = p.old;
    const within = { chain: `in-place:${container.name}@${host.node}`, direction: "in-place" as const };
    changes.push(...takeDownChain({ host, container, pool: p.pool, wave: p.wave, reason: "rolling-update", ...within }, live, new Set()));
    const same = p.pool.ports.map((port, i) => ({ name: port.name, port: port.port !== 0 ? port.port : container.ports[i] ?? 0 }));
    const ports = same.every((x) => x.port !== 0) ? same : placement.ports.allocate(p.pool, host.node);
    add({ pool: p.pool, hash: p.hash, instance: p.instance, host, wave: p.wave, reason: "rolling-update", ports, steps: { create: true, start: true, register: true }, within });
  }
}

/** The container steps of an up chain, in order (its upstream entry is publishUpstream's). */
export function upChain(t: UpTarget): Change[] {
  const name = containerName(t.instance, t.hash);
  const base = { wave: t.wave, chain: t.within?.chain ?? `up:${name}`, direction: t.within?.direction ?? ("up" as const), node: t.host.node, reason: t.reason, pool: t.pool.name, instance: t.instance, containerName: name, specHash: t.hash };
  // Object.assign, not spread: Node 20's V8 copied `base` by spread ten times slower, a
  // fifth of a second in the plan of 10,000 containers.
  const step = <S extends object>(fields: S) => Object.assign({}, base, fields);
  const out: Change[] = [];
  if (t.steps.create) {
    const resources = { ...CONTAINER_TYPES[t.pool.containerType] };
    out.push(step({ kind: "create" as const, image: t.pool.image, containerType: t.pool.containerType, resources, ports: t.ports, env: t.pool.env, command: t.pool.command }));
  }
  const healthCheck = resolveHealthCheck(t.pool, t.ports);
  if (t.steps.start) out.push(step({ kind: "start" as const }));
  const checked = t.steps.start || t.steps.verify === true;
  if (checked) out.push(step({ kind: "wait-healthy" as const, healthCheck: healthCheck && { ...healthCheck, address: t.host.address } }));
  if (t.steps.register && t.ports.length > 0) {
    out.push(step({ kind: "register" as const, address: t.host.address, port: t.ports[0].port, healthCheck, healthVerified: checked && healthCheck !== undefined }));
  }
  return out;
}

/**
 * The upstream entry of an up chain's container (its first port), and the change that
 * publishes it unless the live value is exactly the one dcp writes (a hand edit that
 * nginx reads the same way is rewritten too). Undefined: the pool has no upstream or the
 * container no port.
 */
function publishUpstream(ctx: PlanContext, t: UpTarget, live: Map<string, UpstreamEntry>): { upstream: string; server: string; change?: PublishUpstreamChange } | undefined {
  const upstream = t.pool.upstream;
  if (!upstream || t.ports.length === 0) return undefined;
  const server = `${t.host.address}:${t.ports[0].port}`;
  const weight = upstreamWeight(ctx, t.pool, t.host);
  const down = t.down ?? false;
  const value = upstreamValue({ weight, maxFails: upstream.maxFails, failTimeoutSeconds: upstream.failTimeoutSeconds, down });
  if (live.get(`${upstream.name}/${server}`)?.raw === value) return { upstream: upstream.name, server };
  const change: PublishUpstreamChange = {
    wave: t.wave,
    chain: t.within?.chain ?? `up:${containerName(t.instance, t.hash)}`,
    direction: t.within?.direction ?? "up",
    node: t.host.node,
    reason: t.reason,
    kind: "publish-upstream",
    pool: t.pool.name,
    instance: t.instance,
    upstream: upstream.name,
    server,
    weight,
    maxFails: upstream.maxFails,
    failTimeoutSeconds: upstream.failTimeoutSeconds,
    ...(down ? { down } : {}),
  };
  return { upstream: upstream.name, server, change };
}

/** Health check port: 0 means the first port; a declared dynamic port resolves to the host port picked for it. */
function resolveHealthCheck(pool: PoolSpec, ports: ContainerPort[]): HealthCheckSpec | undefined {
  const hc = pool.healthCheck;
  if (!hc || ports.length === 0) return hc;
  if (hc.port === 0) return { ...hc, port: ports[0].port };
  return hc;
}

/** Cloud hosts get the IDC's weight factor (DCP: cloud hosts are about 20% slower). */
function upstreamWeight(ctx: PlanContext, pool: PoolSpec, host: InventoryHost): number {
  const weight = pool.upstream!.weight;
  if (!host.cloud) return weight;
  return cloudWeight(weight, ctx.idcs.get(host.idc)?.cloudWeightFactor ?? 1);
}
