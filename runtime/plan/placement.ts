/**
 * Phase 2, placement: the scheduler puts every new container on a host, given what stays
 * (everything live, including containers removed later in the apply, because they still
 * hold their resources while replacements start; only a container replaced in place is
 * gone first). Rolling updates are placed wave by wave within each pool's budget
 * (rollout.ts): a surge beside the old container, or a replacement in place where no spare
 * host or port exists. A removal that waits for a replacement that cannot be placed is
 * dropped: the old container keeps serving.
 */
import { CONTAINER_TYPES } from "../../model/container-types";
import { PoolSpec } from "../../model/desired-state";
import { DcpError } from "../../model/errors";
import { InventoryHost } from "../../model/inventory";
import { parseConstraint } from "../scheduler";
import { ContainerRequest, Placement as HostPlacement, SchedulerHost } from "../scheduler/types";
import { instanceKey, Located, PlanContext, usable } from "./context";
import { InstanceDiff, isHealthy, NewContainer, Outdated, Removal } from "./instances";
import { HeldCapacity, planRollout, RollCandidate } from "./rollout";
import { updateBudget } from "../../model/rollout";
import { ContainerPort, UnplacedContainer } from "./types";

/** Dynamic host ports (PortSpec.port 0) come from this range. */
const DYNAMIC_PORTS = { first: 20000, last: 29999 } as const;

/** A replacement in place: the old container taken down, the new one made on its host and ports, in one chain. */
export interface InPlace extends Outdated {
  wave: number;
}

export interface Placement {
  /** Every new container to make: the diff's creates, and the surges of rolling updates with their waves. */
  creates: NewContainer[];
  inPlace: InPlace[];
  placements: HostPlacement[];
  /** Node of each placed new container, by `pool/instance`. */
  nodeOf: Map<string, string>;
  unplaced: UnplacedContainer[];
  /** The removals that go ahead. */
  removals: Removal[];
  /** Picks dynamic host ports for the placed containers. */
  ports: PortAllocator;
  notes: string[];
}

export function placeContainers(ctx: PlanContext, diff: InstanceDiff): Placement {
  const goneFirst = new Set(diff.removals.filter((r) => r.inPlace).map((r) => r.located.container.id));
  const hosts = ctx.hosts.map((h) => schedulerHost(h, goneFirst, ctx.leaving.has(h.node)));
  const rollout = planRollout({
    hosts: hosts.filter((h) => h.healthy),
    creates: diff.creates.map(containerRequest),
    removals: diff.removals.filter((r) => !r.inPlace).map((r) => held(r.located)),
    candidates: diff.outdated.map((o) => ({ request: containerRequest(o), old: { ...held(o.old), healthy: isHealthy(o.pool, o.old.container) } }) satisfies RollCandidate),
    pools: new Map([...new Set(diff.outdated.map((o) => o.pool))].map((p) => [p.name, { budget: updateBudget(p.update, p.effectiveReplicas), available: diff.available.get(p.name) ?? 0 }])),
    seed: ctx.settings.seed,
  });
  const placement = rolled(diff, rollout.steps, new Map(rollout.creates));
  const unplaced: UnplacedContainer[] = rollout.unplaced.map((u) => ({ pool: u.pool, instance: u.instance, reason: u.reason, rejectedBy: u.rejectedBy }));
  const waiting = new Set(unplaced.map((u) => instanceKey(u.pool, u.instance)));
  return {
    ...placement,
    unplaced,
    removals: placement.removals.filter((r) => !(r.waitsFor && waiting.has(r.waitsFor))),
    ports: new PortAllocator(hosts),
    notes: unplaced.length > 0 ? [`${unplaced.length} container(s) could not be placed; their old containers (if any) are kept`] : [],
  };
}

/** What a live container holds on its host. */
function held(l: Located): HeldCapacity {
  return { node: l.host.node, pool: l.container.pool, resources: l.container.resources, ports: l.container.ports };
}

/** The rollout's steps as creates, removals and in-place replacements. */
function rolled(diff: InstanceDiff, steps: ReturnType<typeof planRollout>["steps"], nodeOf: Map<string, string>): Pick<Placement, "creates" | "inPlace" | "placements" | "nodeOf" | "removals"> {
  const outdated = new Map(diff.outdated.map((o) => [instanceKey(o.pool.name, o.instance), o]));
  const out = { creates: [...diff.creates], inPlace: [] as InPlace[], nodeOf, removals: [...diff.removals] };
  for (const step of steps) {
    const o = outdated.get(step.key)!;
    if (step.mode === "in-place") {
      out.inPlace.push({ ...o, wave: step.wave });
      continue;
    }
    nodeOf.set(step.key, step.node);
    out.creates.push({ pool: o.pool, hash: o.hash, instance: o.instance, wave: step.wave, reason: "rolling-update" });
    out.removals.push({ located: o.old, wave: step.wave, reason: "rolling-update" });
  }
  const placements = out.creates.filter((n) => nodeOf.has(instanceKey(n.pool.name, n.instance))).map((n) => ({ pool: n.pool.name, instance: n.instance, node: nodeOf.get(instanceKey(n.pool.name, n.instance))! }));
  return { ...out, placements };
}

/** The host as the scheduler sees it: what its live containers (but those `gone`) reserve, and its attributes for constraints. */
export function schedulerHost(h: InventoryHost, gone: Set<string> = new Set(), leaving = false): SchedulerHost {
  const reserved = { cpu: 0, memoryMiB: 0 };
  const poolCounts: Record<string, number> = {};
  const usedPorts: number[] = [];
  for (const c of h.containers ?? []) {
    if (gone.has(c.id)) continue;
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
    leaving,
  };
}

export function containerRequest(n: { pool: PoolSpec; instance: string }): ContainerRequest {
  return {
    pool: n.pool.name,
    instance: n.instance,
    resources: { ...CONTAINER_TYPES[n.pool.containerType] },
    ports: n.pool.ports.map((p) => p.port).filter((p) => p !== 0),
    idcs: n.pool.idcs,
    constraints: n.pool.placement.constraints.map((c) => parseConstraint(c, `${n.pool.source}: pool ${n.pool.name} placement.constraints`)),
    antiAffinity: n.pool.placement.antiAffinity === "host",
    strategy: n.pool.placement.strategy,
  };
}

/** Dynamic ports per host: the lowest free port of DYNAMIC_PORTS first, so a plan is deterministic. */
export class PortAllocator {
  private readonly inUse: Map<string, Set<number>>;

  constructor(hosts: SchedulerHost[]) {
    this.inUse = new Map(hosts.map((h) => [h.node, new Set(h.usedPorts)]));
  }

  /** The host ports of one new container of `pool` on `node`; fixed ports as declared. */
  allocate(pool: PoolSpec, node: string): ContainerPort[] {
    const used = this.inUse.get(node)!;
    for (const p of pool.ports) if (p.port !== 0) used.add(p.port);
    let next = DYNAMIC_PORTS.first;
    return pool.ports.map((p) => {
      if (p.port !== 0) return { name: p.name, port: p.port };
      while (used.has(next)) next++;
      if (next > DYNAMIC_PORTS.last) throw new DcpError(`host ${node} has no free dynamic port left in ${DYNAMIC_PORTS.first}-${DYNAMIC_PORTS.last}`);
      used.add(next);
      return { name: p.name, port: next };
    });
  }
}
