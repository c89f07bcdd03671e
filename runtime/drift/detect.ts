/**
 * Drift detection (pure): desired state + inventory + the Consul entries under dcp's
 * prefixes → findings. No I/O, so every kind of drift is unit-tested on constructed
 * inventories; `dcp drift` only gathers the inputs and renders the report.
 */
import { DesiredState, FleetSpec, PoolSpec } from "../../model/desired-state";
import { KV, NODE_META, SERVICE_META } from "../../model/host-metadata";
import { Inventory, InventoryContainer, InventoryHost, UpstreamEntry } from "../../model/inventory";
import { instanceId, instanceIndex, specHash } from "../plan/spec";
import { cloudWeight, upstreamValue } from "../../model/upstreams";
import { diffUpstreams, parseUpstreamValue, upstreamKey } from "../discovery/upstreams";
import type { KvOp } from "../consul/client";
import { DRIFT_KINDS, DriftFinding, DriftKind, DriftReport } from "./types";

/** What the inventory does not carry: the raw keys under dcp's prefixes and agentless nodes. */
export interface ConsulEntries {
  /** Every KV key under `<kvRoot>/` and `<upstreamPrefix>/`. */
  kvKeys: string[];
  /**
   * Catalog nodes with dcp node meta but no Consul agent behind them (no serfHealth
   * check): registered by hand through the catalog API, so no host owns them.
   */
  agentlessNodes: string[];
  /**
   * Catalog nodes with a Consul agent and dcp node meta but no Docker endpoint
   * (dcp_docker): the runtime does not see them as hosts at all.
   */
  nodesWithoutDocker: string[];
}

export interface DetectOptions {
  kvRoot: string;
  upstreamPrefix: string;
  /** Only these pools (and the entries that name them); fleet-wide checks still run. */
  pools?: string[];
}

export function detectDrift(
  desired: DesiredState,
  inventory: Inventory,
  consul: ConsulEntries,
  options: DetectOptions,
): DriftReport {
  const findings: DriftFinding[] = [];
  const notes: string[] = [];
  const desiredPools = new Map(desired.pools.map((p) => [p.name, p]));
  const inScope = (pool: string) => !options.pools || options.pools.includes(pool);
  const agentless = new Set(consul.agentlessNodes);
  const hosts = inventory.hosts.filter((h) => !agentless.has(h.node));
  const unreachable = hosts.filter((h) => h.containers === null);
  if (unreachable.length > 0) {
    notes.push(
      `Docker daemon unreachable on ${unreachable.map((h) => h.node).join(", ")}: ` +
        "their containers count as missing and their upstreams and services are not judged.",
    );
  }
  if (options.pools) notes.push(`Scope: pools ${options.pools.join(", ")} (fleet-wide checks still run).`);

  findings.push(...containerDrift(desired, hosts, inScope));
  findings.push(...upstreamDrift(desired, { ...inventory, hosts }, options));
  findings.push(...assignmentDrift(desiredPools, hosts, inScope));
  findings.push(...labelDrift(desired, hosts));
  findings.push(...missingHosts(desired, hosts));
  for (const node of consul.nodesWithoutDocker) {
    findings.push({
      kind: "label-mismatch",
      object: `host ${node}`,
      expected: `${NODE_META.docker} set (the host's Docker endpoint)`,
      actual: `${NODE_META.docker} missing`,
      explanation: "the runtime does not see this host: nothing is placed on it and what runs there is not judged.",
      repair: "node-meta",
      node,
    });
  }
  findings.push(...unownedEntries(desiredPools, desired.fleets, inventory, hosts, consul, options, inScope));

  return { version: 1, at: inventory.at, findings, counts: countByKind(findings), notes };
}

export function countByKind(findings: DriftFinding[]): Record<DriftKind, number> {
  const counts = Object.fromEntries(DRIFT_KINDS.map((k) => [k, 0])) as Record<DriftKind, number>;
  for (const f of findings) counts[f.kind]++;
  return counts;
}

interface Located {
  host: InventoryHost;
  container: InventoryContainer;
}

/**
 * Containers a pool should run: its effective replicas, or, for an autoscaled pool, what
 * runs now held within its bounds (the controller moves it there: not drift).
 */
function wantedReplicas(pool: PoolSpec, mine: Located[]): number {
  if (!pool.autoscale) return pool.effectiveReplicas;
  const added = pool.effectiveReplicas - pool.replicas;
  const running = new Set(mine.filter((l) => l.container.running).map((l) => l.container.instance)).size;
  return Math.min(added + pool.autoscale.max, Math.max(added + pool.autoscale.min, running));
}

function withinBounds(pool: PoolSpec): string {
  if (!pool.autoscale) return "";
  const added = pool.effectiveReplicas - pool.replicas;
  return ` (autoscaled within [${added + pool.autoscale.min}, ${added + pool.autoscale.max}])`;
}

function located(hosts: InventoryHost[]): Located[] {
  return hosts.flatMap((host) => (host.containers ?? []).map((container) => ({ host, container })));
}

/**
 * Containers are judged per instance, as the planner names them (`<pool>-00017`): an
 * instance below the replica count with no running container is missing; a running
 * container whose instance is beyond it, malformed or duplicated is extra.
 */
function containerDrift(desired: DesiredState, hosts: InventoryHost[], inScope: (pool: string) => boolean): DriftFinding[] {
  const findings: DriftFinding[] = [];
  const all = located(hosts);
  for (const pool of desired.pools) {
    if (!inScope(pool.name)) continue;
    const mine = all.filter((l) => l.container.pool === pool.name);
    const want = wantedReplicas(pool, mine);
    const byInstance = new Map<string, Located[]>();
    for (const l of mine) byInstance.set(l.container.instance, [...(byInstance.get(l.container.instance) ?? []), l]);
    const runs = (instance: string) => (byInstance.get(instance) ?? []).some((l) => l.container.running);
    const missing: string[] = [];
    for (let index = 0; index < want; index++) {
      const instance = instanceId(pool.name, index);
      if (!runs(instance)) missing.push(instance);
    }
    if (missing.length > 0) {
      const stopped = missing.filter((i) => byInstance.has(i)).length;
      findings.push({
        kind: "missing-container",
        object: `pool ${pool.name}`,
        expected: `${want} running${withinBounds(pool)}`,
        actual: `${want - missing.length} running; missing ${list(missing)}` + (stopped > 0 ? ` (${stopped} of them stopped)` : ""),
        explanation: `${missing.length} container(s) of ${pool.name} are gone or stopped; apply creates or starts them.`,
        repair: "apply",
        pool: pool.name,
      });
    }
    // Beyond the replicas (or not an instance id of the pool): every copy is extra, stopped or
    // not, as the planner removes them all. Within: one copy is kept, a running one first.
    const extra: Located[] = [];
    for (const [instance, copies] of byInstance) {
      const index = instanceIndex(pool.name, instance);
      if (index === undefined || index >= want) extra.push(...copies);
      else extra.push(...[...copies].sort((a, b) => Number(b.container.running) - Number(a.container.running)).slice(1));
    }
    if (extra.length > 0) {
      findings.push({
        kind: "extra-container",
        object: `pool ${pool.name}`,
        expected: `${want} running${withinBounds(pool)}`,
        actual: `${extra.length} more: ${list(extra.map((l) => `${l.container.name} on ${l.host.node}`))}`,
        explanation: `container(s) of ${pool.name} beyond its replicas or duplicating an instance; apply removes them.`,
        repair: "apply",
        pool: pool.name,
      });
    }
    const hash = specHash(pool);
    for (const { host, container } of mine) {
      const imageDiffers = runsOtherImage(container, pool);
      if (container.specHash === hash && !imageDiffers) continue;
      findings.push({
        kind: "spec-changed",
        object: `container ${container.name} on ${host.node}`,
        expected: `image ${pool.image}, spec ${hash}`,
        actual: `image ${container.image}, spec ${container.specHash || "(no label)"}`,
        ...specRepair(pool, container, imageDiffers),
        pool: pool.name,
        node: host.node,
      });
    }
  }
  for (const { host, container } of all) {
    if (desired.pools.some((p) => p.name === container.pool) || !inScope(container.pool)) continue;
    findings.push({
      kind: "extra-container",
      object: `container ${container.name} on ${host.node}`,
      expected: "absent",
      actual: `pool ${container.pool}, image ${container.image}${container.running ? "" : " (stopped)"}`,
      explanation: `pool ${container.pool} is not in the desired state; apply removes its containers.`,
      repair: "apply",
      pool: container.pool,
      node: host.node,
    });
  }
  return findings;
}

/**
 * Containers `--fix` replaces in place: of the pools in scope, they carry the current spec
 * hash but run another image (recreated by hand with the old labels), so the planner
 * alone would keep them.
 */
export function mislabelledContainers(desired: DesiredState, inventory: Inventory, pools?: string[]): Array<{ id: string; name: string; node: string }> {
  const found: Array<{ id: string; name: string; node: string }> = [];
  for (const pool of desired.pools) {
    if (pools && !pools.includes(pool.name)) continue;
    const hash = specHash(pool);
    for (const host of inventory.hosts) {
      for (const c of host.containers ?? []) {
        if (c.pool === pool.name && c.specHash === hash && runsOtherImage(c, pool)) found.push({ id: c.id, name: c.name, node: host.node });
      }
    }
  }
  return found;
}

/** How a container on another spec is repaired: apply replaces it, unless a canary holds it (apply keeps it until --promote). */
function specRepair(pool: PoolSpec, container: InventoryContainer, imageDiffers: boolean): Pick<DriftFinding, "explanation" | "repair"> {
  const what = imageDiffers ? `runs image ${container.image} instead of ${pool.image}` : `its spec (type, env, command, ports or health check) differs from ${pool.source}`;
  if (pool.update?.canary !== undefined) return { explanation: `${what}; the pool holds a canary (update.canary): \`dcp apply --promote\` replaces it, \`dcp apply --abort\` returns the canary.`, repair: "manual" };
  return { explanation: `${what}; apply replaces it.`, repair: "apply" };
}

/** Docker reports an image id instead of the name once the tag moved; then only the spec hash can tell. */
function runsOtherImage(container: InventoryContainer, pool: PoolSpec): boolean {
  return !container.image.startsWith("sha256:") && container.image !== pool.image;
}

/** A short list for one table cell: the first few names, then how many more. */
function list(names: string[]): string {
  const shown = names.slice(0, 5).join(", ");
  return names.length > 5 ? `${shown} and ${names.length - 5} more` : shown;
}

/** Keys dcp itself keeps beside hosts' own: the locks, the deployed state, and the controller's, per autoscaled pool and per fleet. */
function ownedKeys(root: string, pools: Map<string, PoolSpec>, fleets: FleetSpec[]): Set<string> {
  const keys = [KV.applyLock(root), KV.controllerLock(root), KV.deployed(root), KV.controllerStatus(root), KV.decisions(root)];
  for (const pool of pools.values()) if (pool.autoscale) keys.push(KV.autoscale(root, pool.name));
  for (const fleet of fleets) keys.push(KV.fleetScalingGroups(root, fleet.name), KV.fleetRefills(root, fleet.name));
  return new Set(keys);
}

/**
 * The upstream entries dcp would publish for what runs now: one per wanted instance that
 * runs on a reachable host (the first copy when an instance runs twice), on the
 * container's first port, with the cloud weight factor on cloud hosts.
 */
export function expectedUpstreams(desired: DesiredState, inventory: Inventory): UpstreamEntry[] {
  const idcs = new Map(desired.idcs.map((i) => [i.name, i]));
  const entries: UpstreamEntry[] = [];
  for (const pool of desired.pools) {
    const upstream = pool.upstream;
    if (!upstream) continue;
    const seen = new Set<string>();
    const mine = located(inventory.hosts).filter((l) => l.container.pool === pool.name);
    const want = wantedReplicas(pool, mine);
    const serving = mine
      .filter((l) => l.container.running && l.container.ports.length > 0)
      .sort((a, b) => cmp(a.container.instance, b.container.instance) || cmp(a.host.node, b.host.node));
    for (const { host, container } of serving) {
      const index = instanceIndex(pool.name, container.instance);
      if (index === undefined || index >= want || seen.has(container.instance)) continue;
      seen.add(container.instance);
      const factor = idcs.get(host.idc)?.cloudWeightFactor ?? 1;
      const value = {
        weight: host.cloud ? cloudWeight(upstream.weight, factor) : upstream.weight,
        maxFails: upstream.maxFails,
        failTimeoutSeconds: upstream.failTimeoutSeconds,
        down: false,
      };
      entries.push({ upstream: upstream.name, server: `${host.address}:${container.ports[0]}`, ...value, raw: upstreamValue(value) });
    }
  }
  return entries;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The upstream entries drift judges, and the KV operations that would make them right. */
interface UpstreamRepair {
  ops: KvOp[];
  live: Map<string, UpstreamEntry>;
  want: Map<string, UpstreamEntry>;
}

/**
 * Upstream entries are judged with the publisher's own diff: whatever KV operation dcp
 * would issue to make the live entries match the expected ones is drift, and `--fix`
 * applies exactly those operations. That keeps the last-entry rule (an upstream's last
 * server is marked down, not deleted) in one place. Entries of pools outside the scope,
 * and servers on hosts whose daemon did not answer, are not judged.
 */
function upstreamRepair(desired: DesiredState, inventory: Inventory, options: DetectOptions): UpstreamRepair {
  const owners = upstreamOwners(desired);
  const judged = (upstream: string) => {
    const owner = owners.get(upstream);
    return owner ? !options.pools || options.pools.includes(owner) : !options.pools;
  };
  const unknownAddresses = new Set(inventory.hosts.filter((h) => h.containers === null).map((h) => h.address));
  const live = inventory.upstreams.filter((e) => judged(e.upstream) && !unknownAddresses.has(e.server.split(":")[0]));
  const want = expectedUpstreams(desired, inventory).filter((e) => judged(e.upstream));
  const key = (e: UpstreamEntry) => upstreamKey(options.upstreamPrefix, e.upstream, e.server);
  return {
    ops: diffUpstreams(want, live, options.upstreamPrefix),
    live: new Map(live.map((e) => [key(e), e])),
    want: new Map(want.map((e) => [key(e), e])),
  };
}

function upstreamDrift(desired: DesiredState, inventory: Inventory, options: DetectOptions): DriftFinding[] {
  const owners = upstreamOwners(desired);
  const liveServers = new Set(
    located(inventory.hosts)
      .filter((l) => l.container.running)
      .flatMap((l) => l.container.ports.map((port) => `${l.host.address}:${port}`)),
  );
  const repair = upstreamRepair(desired, inventory, options);
  const findings: DriftFinding[] = [];
  for (const op of repair.ops) {
    const current = repair.live.get(op.key);
    const target = repair.want.get(op.key);
    const entry = current ?? target;
    if (!entry) continue;
    const owner = owners.get(entry.upstream);
    const expected = op.verb === "set" ? op.value : "absent";
    const actual = current ? current.raw : "absent";
    const base = { object: `kv ${op.key}`, expected, actual, repair: "upstream" as const };
    if (current && !liveServers.has(current.server)) {
      findings.push({
        ...base,
        kind: "dead-upstream",
        explanation: `no running container listens on ${current.server}; nginx keeps sending it traffic until the entry is ${op.verb === "set" ? "marked down" : "removed"}.`,
        pool: owner,
      });
    } else if (!owner) {
      findings.push({ ...base, kind: "unowned-entry", explanation: `upstream ${entry.upstream} belongs to no desired pool.` });
    } else {
      findings.push({ ...base, kind: "upstream-edited", explanation: upstreamEditExplanation(current, target), pool: owner });
    }
  }
  return findings;
}

function upstreamEditExplanation(current: UpstreamEntry | undefined, target: UpstreamEntry | undefined): string {
  if (!current) return "the entry of a running container is missing; nginx does not send it traffic.";
  if (!target) return `${current.server} is not a wanted container of this upstream's pool.`;
  const parsed = parseUpstreamValue(current.raw);
  const reads = `nginx reads weight ${parsed.weight}, max_fails ${parsed.maxFails}, fail_timeout ${parsed.failTimeoutSeconds}, down ${parsed.down ? 1 : 0}`;
  if (parsed.problems.length > 0) return `malformed: ${parsed.problems.join("; ")} (${reads}).`;
  return `edited by hand: ${reads}; dcp writes weight ${target.weight}${target.down ? ", down 1" : ""}.`;
}

function upstreamOwners(desired: DesiredState): Map<string, string> {
  const owners = new Map<string, string>();
  for (const pool of desired.pools) if (pool.upstream) owners.set(pool.upstream.name, pool.name);
  return owners;
}

function assignmentDrift(
  desiredPools: Map<string, PoolSpec>,
  hosts: InventoryHost[],
  inScope: (pool: string) => boolean,
): DriftFinding[] {
  const findings: DriftFinding[] = [];
  for (const host of hosts) {
    if (host.containers === null) continue;
    const running = [...new Set(host.containers.filter((c) => c.running).map((c) => c.pool))].sort();
    const assigned = [...host.assignedPools].sort();
    const undesired = assigned.filter((p) => !desiredPools.has(p) && inScope(p));
    const unassigned = running.filter((p) => desiredPools.has(p) && inScope(p) && !assigned.includes(p));
    const idle = assigned.filter((p) => desiredPools.has(p) && inScope(p) && !running.includes(p));
    const problems: string[] = [];
    if (undesired.length) problems.push(`assigned to ${undesired.join(", ")}, not in the desired state`);
    if (unassigned.length) problems.push(`runs ${unassigned.join(", ")} without being assigned to it`);
    if (idle.length) problems.push(`assigned to ${idle.join(", ")} but runs none of its containers`);
    if (problems.length === 0) continue;
    findings.push({
      kind: "assignment-mismatch",
      object: `host ${host.node}`,
      expected: running.length ? `assigned to ${running.filter((p) => desiredPools.has(p)).join(", ") || "(buffer)"}` : "buffer",
      actual: assigned.length ? `assigned to ${assigned.join(", ")}` : "buffer",
      explanation: `${problems.join("; ")}.`,
      repair: "apply",
      node: host.node,
    });
  }
  return findings;
}

/** Node meta must agree with the desired fleets and IDCs: placement and weights are decided from it. */
/**
 * Hosts the desired state lists (the local profile's Terraform keeps them) that are not in
 * the catalog or not healthy: Terraform cannot see that (a terraform_data has nothing to
 * refresh), so drift reports it; the next deploy's synth sees the host is down and
 * replaces it.
 */
function missingHosts(desired: DesiredState, hosts: InventoryHost[]): DriftFinding[] {
  const byNode = new Map(hosts.map((h) => [h.node, h]));
  return desired.fleets.flatMap((fleet) =>
    (fleet.hosts ?? [])
      .filter((node) => !byNode.get(node)?.healthy)
      .map((node): DriftFinding => ({
        kind: "infrastructure",
        object: `host ${node}`,
        expected: `up in fleet ${fleet.name} (terraform_data.host["${node}"])`,
        actual: byNode.has(node) ? "in the Consul catalog but unhealthy (agent or Docker daemon down)" : "not in the Consul catalog",
        explanation: "the host is gone or broken outside Terraform; `cdktf deploy` makes it again (its synth sees the host is down) and the runtime places its containers back.",
        repair: "manual",
        node,
      })),
  );
}

function labelDrift(desired: DesiredState, hosts: InventoryHost[]): DriftFinding[] {
  const findings: DriftFinding[] = [];
  for (const host of hosts) {
    const expected: string[] = [];
    const actual: string[] = [];
    const differ = (key: string, want: string, have: string) => {
      if (want === have) return;
      expected.push(`${key}=${want}`);
      actual.push(`${key}=${have}`);
    };
    const fleet = desired.fleets.find((f) => f.name === host.fleet);
    if (!fleet) {
      const known = desired.fleets.map((f) => f.name).join(", ") || "none";
      expected.push(`fleet one of ${known}`);
      actual.push(`fleet=${host.fleet || "(unset)"}`);
    } else {
      differ("idc", fleet.idc, host.idc);
      differ("cpu", String(fleet.hostClass.cpu), String(host.capacity.cpu));
      differ("memory_mib", String(fleet.hostClass.memoryMiB), String(host.capacity.memoryMiB));
    }
    const idc = desired.idcs.find((i) => i.name === host.idc);
    if (!idc) {
      if (fleet) {
        expected.push(`idc one of ${desired.idcs.map((i) => i.name).join(", ") || "none"}`);
        actual.push(`idc=${host.idc || "(unset)"}`);
      }
    } else {
      if (!idc.zones.includes(host.zone)) {
        expected.push(`zone one of ${idc.zones.join(", ")}`);
        actual.push(`zone=${host.zone || "(unset)"}`);
      }
      differ("cloud", String(idc.kind === "cloud"), String(host.cloud));
    }
    if (expected.length === 0) continue;
    findings.push({
      kind: "label-mismatch",
      object: `host ${host.node}`,
      expected: expected.join(", "),
      actual: actual.join(", "),
      explanation: "its node meta disagrees with the desired fleets and IDCs; placement and upstream weights would be wrong.",
      repair: "node-meta",
      node: host.node,
    });
  }
  return findings;
}

function unownedEntries(
  desiredPools: Map<string, PoolSpec>,
  fleets: FleetSpec[],
  inventory: Inventory,
  hosts: InventoryHost[],
  consul: ConsulEntries,
  options: DetectOptions,
  inScope: (pool: string) => boolean,
): DriftFinding[] {
  const findings: DriftFinding[] = [];
  const nodes = new Set(hosts.map((h) => h.node));

  for (const node of consul.agentlessNodes) {
    findings.push({
      kind: "unowned-entry",
      object: `node ${node}`,
      expected: "absent",
      actual: "catalog node with dcp meta and no Consul agent",
      explanation: "registered by hand through the catalog; no host bootstrap owns it.",
      repair: "remove",
      node,
      entry: { type: "node", node },
    });
  }

  // A host whose node meta lacks its Docker endpoint is still a host: its keys are its own.
  const owned = ownedKeys(options.kvRoot, desiredPools, fleets);
  for (const node of [...nodes, ...consul.nodesWithoutDocker]) {
    owned.add(KV.hostInit(options.kvRoot, node));
    owned.add(KV.assignment(options.kvRoot, node));
  }
  const upstreamKeys = new Set(inventory.upstreams.map((e) => upstreamKey(options.upstreamPrefix, e.upstream, e.server)));
  for (const key of consul.kvKeys) {
    // Deployed specs are history for `--abort`, kept for any pool, as its containers are outside a partial desired state.
    if (owned.has(key) || upstreamKeys.has(key) || key.startsWith(KV.specs(options.kvRoot, ""))) continue;
    const underUpstreams = key.startsWith(`${options.upstreamPrefix}/`);
    findings.push({
      kind: "unowned-entry",
      object: `kv ${key}`,
      expected: "absent",
      actual: "present",
      explanation: underUpstreams
        ? "not an `<upstream>/<IPv4>:<port>` entry: nginx-upsync-module skips it and dcp never writes it."
        : "no dcp component writes this key (not a host's init status or assignment, a lock, nor the controller's state of a desired pool or fleet).",
      repair: "remove",
      entry: { type: "kv", key },
    });
  }

  // The planner registers each container under its container name.
  const containers = new Map<string, Set<string>>();
  for (const host of hosts) {
    if (host.containers === null) continue;
    containers.set(host.node, new Set(host.containers.filter((c) => c.running).map((c) => c.name)));
  }
  for (const service of inventory.services ?? []) {
    const pool = service.meta[SERVICE_META.pool];
    if (!inScope(pool)) continue;
    const onHost = containers.get(service.node);
    if (nodes.has(service.node) && onHost === undefined) continue; // daemon unreachable: cannot judge
    const backed = onHost?.has(service.serviceId) ?? false;
    if (backed && desiredPools.has(pool)) continue;
    const instance = service.meta[SERVICE_META.instance] ?? "?";
    findings.push({
      kind: "unowned-entry",
      object: `service ${service.serviceId} on ${service.node}`,
      expected: "absent",
      actual: `service ${service.name} (pool ${pool}, instance ${instance})`,
      explanation: !desiredPools.has(pool)
        ? `pool ${pool} is not in the desired state.`
        : `no running container ${service.serviceId} on ${service.node}; DNS consumers still find it.`,
      repair: "remove",
      pool,
      node: service.node,
      entry: { type: "service", node: service.node, serviceId: service.serviceId },
    });
  }
  return findings;
}
