/**
 * `dcp drift` without the CLI: gather the live inputs (inventory, raw keys under dcp's
 * prefixes, agentless catalog nodes), detect, and — for `--fix` — repair through the
 * normal apply path first, then what apply does not own (unowned entries, upstream
 * values edited by hand, assignments, catalog node meta).
 */
import { DesiredState } from "../../model/desired-state";
import { NODE_META } from "../../model/host-metadata";
import { ConsulClient, KvOp } from "../consul/client";
import { withApplyLock } from "../consul/lock";
import { DiscoveryPublisher } from "../discovery/publisher";
import { DockerHosts } from "../docker/hosts";
import { executePlan } from "../apply/execute";
import { createProgress } from "../apply/progress";
import { ApplyOptions, applyDesired } from "../index";
import { readInventory } from "../inventory/read";
import { Inventory } from "../../model/inventory";
import { specHash } from "../plan/spec";
import { Change } from "../plan/types";
import { ConsulEntries, DetectOptions, detectDrift, runsOtherImage, upstreamRepair } from "./detect";
import { DriftFinding, DriftReport } from "./types";

export interface DriftRunOptions {
  consul: ConsulClient;
  dockers: DockerHosts;
  /** Only these pools; fleet-wide checks (labels, stray keys and nodes) still run. */
  pools?: string[];
}

export interface LiveDrift {
  report: DriftReport;
  inventory: Inventory;
}

const DCP_META_KEYS: string[] = Object.values(NODE_META);

/** Reads everything drift judges and detects; changes nothing. */
export async function readDrift(desired: DesiredState, options: DriftRunOptions): Promise<LiveDrift> {
  const { consul } = options;
  await consul.ping();
  const root = consul.config.kvRoot;
  const prefix = consul.config.upstreamPrefix;
  const [inventory, rootKeys, upstreamKeys, nodes, checks] = await Promise.all([
    readInventory(consul, options.dockers),
    consul.kvList(`${root}/`),
    consul.kvList(`${prefix}/`),
    consul.nodes(),
    consul.checks(),
  ]);
  const withAgent = new Set(checks.filter((c) => c.checkId === "serfHealth").map((c) => c.node));
  const dcpNodes = nodes.filter((n) => Object.keys(n.meta).some((k) => DCP_META_KEYS.includes(k)));
  const entries: ConsulEntries = {
    kvKeys: [...rootKeys, ...upstreamKeys].map((k) => k.key),
    agentlessNodes: dcpNodes.filter((n) => !withAgent.has(n.node)).map((n) => n.node),
    nodesWithoutDocker: dcpNodes.filter((n) => withAgent.has(n.node) && !n.meta[NODE_META.docker]).map((n) => n.node),
  };
  const report = detectDrift(desired, inventory, entries, detectOptions(consul, options.pools));
  return { report, inventory };
}

function detectOptions(consul: ConsulClient, pools: string[] | undefined): DetectOptions {
  return { kvRoot: consul.config.kvRoot, upstreamPrefix: consul.config.upstreamPrefix, pools };
}

export interface FixOptions extends DriftRunOptions {
  /** How the repairing apply runs (profile, seed, lock wait, progress…); its pool scope and Consul are the drift run's. */
  apply?: Omit<ApplyOptions, "pools" | "prune" | "consul">;
  log?: (line: string) => void;
}

export interface FixResult {
  /** What each repair step did, one line each. */
  actions: string[];
  /** Drift read again after the repairs: what dcp could not repair. */
  after: DriftReport;
}

/**
 * Repairs drift. Containers, assignments of hosts that end empty, stale upstreams and
 * services go through applyDesired like any apply. What an apply leaves alone is then
 * repaired under the same apply lock, from a fresh read: upstream values (the
 * publisher's diff), assignments that disagree with what runs, entries nobody owns, and
 * catalog node meta that differs from the host agent's own configuration.
 */
export async function fixDrift(desired: DesiredState, options: FixOptions): Promise<FixResult> {
  const actions: string[] = [];
  const act = (line: string) => {
    actions.push(line);
    options.log?.(line);
  };
  await withApplyLock(
    options.consul,
    "dcp drift --fix",
    async () => {
      for (const name of await removeMislabelled(desired, options)) act(`removed ${name} first: it runs another image under the current spec's name`);
    },
    { waitMs: (options.apply?.waitLockSeconds ?? 0) * 1000 },
  );

  // Without a pool scope the desired state is complete, so pools absent from it are removed.
  const applied = await applyDesired(desired, { ...options.apply, pools: options.pools, prune: options.pools === undefined, consul: options.consul });
  act(`apply: ${applied.applied} change(s)`);

  await withApplyLock(
    options.consul,
    "dcp drift --fix",
    async () => {
      const { report, inventory } = await readDrift(desired, options);
      for (const line of await repairOutsideApply(desired, inventory, report.findings, options)) act(line);
    },
    { waitMs: (options.apply?.waitLockSeconds ?? 0) * 1000 },
  );
  const { report } = await readDrift(desired, options);
  return { actions, after: report };
}

/**
 * A container recreated by hand with another image but the old labels carries the current
 * spec hash, so the planner would keep it, and its replacement would have the same name.
 * It is taken down first (unpublish, drain, stop, remove) through the executor, and the
 * apply that follows recreates it.
 */
async function removeMislabelled(desired: DesiredState, options: FixOptions): Promise<string[]> {
  const inventory = await readInventory(options.consul, options.dockers);
  const changes: Change[] = [];
  const names: string[] = [];
  for (const pool of desired.pools) {
    if (options.pools && !options.pools.includes(pool.name)) continue;
    const hash = specHash(pool);
    for (const host of inventory.hosts) {
      for (const c of host.containers ?? []) {
        if (c.pool !== pool.name || c.specHash !== hash || !runsOtherImage(c, pool)) continue;
        const base = { wave: 1, chain: `down:${c.name}@${host.node}`, direction: "down" as const, node: host.node, reason: "repair" as const };
        const ids = { pool: c.pool, instance: c.instance, containerName: c.name, specHash: c.specHash, containerId: c.id };
        const server = c.ports.length > 0 ? `${host.address}:${c.ports[0]}` : undefined;
        for (const e of inventory.upstreams) {
          if (e.server === server) changes.push({ ...base, kind: "unpublish-upstream", pool: c.pool, instance: c.instance, upstream: e.upstream, server: e.server });
        }
        changes.push({ ...base, kind: "drain", pool: c.pool, instance: c.instance, serviceId: c.name, address: host.address, seconds: 0 });
        if (c.running) changes.push({ ...base, ...ids, kind: "stop", timeoutSeconds: 10 });
        changes.push({ ...base, ...ids, kind: "remove" });
        names.push(`${c.name} on ${host.node}`);
      }
    }
  }
  if (changes.length === 0) return [];
  await executePlan({ changes, summary: [], unplaced: [], notes: [] }, inventory, options.consul, options.dockers, {
    progress: createProgress(changes.length, "quiet"),
  });
  return names;
}

async function repairOutsideApply(desired: DesiredState, inventory: Inventory, findings: DriftFinding[], options: FixOptions): Promise<string[]> {
  const { consul } = options;
  const actions: string[] = [];
  const publisher = new DiscoveryPublisher(consul);
  const inScope = (pool: string | undefined) => !options.pools || (pool !== undefined && options.pools.includes(pool));

  // Upstreams: the same diff the detector judged with, applied by the publisher.
  if (findings.some((f) => f.repair === "upstream")) {
    const { ops } = upstreamRepair(desired, inventory, detectOptions(consul, options.pools));
    await publisher.apply(ops);
    actions.push(`upstreams: ${ops.length} KV operation(s) (${ops.map((o) => `${o.verb} ${o.key}`).join(", ")})`);
  }

  // Assignments: what runs on the host decides (pools outside the scope stay as they are);
  // a host left with none goes back to the buffer.
  const assignmentChanges: Change[] = [];
  const desiredPools = new Set(desired.pools.map((p) => p.name));
  for (const f of findings.filter((x) => x.kind === "assignment-mismatch")) {
    const host = inventory.hosts.find((h) => h.node === f.node);
    if (!host || host.containers === null) continue;
    const kept = host.assignedPools.filter((p) => !inScope(p));
    const running = host.containers.filter((c) => c.running && desiredPools.has(c.pool) && inScope(c.pool)).map((c) => c.pool);
    const pools = [...new Set([...kept, ...running])].sort();
    const base = { wave: 0, chain: `host:${host.node}`, direction: "host" as const, node: host.node, previousPools: [...host.assignedPools] };
    assignmentChanges.push(pools.length > 0 ? { ...base, kind: "assign-host", reason: "repair", pools } : { ...base, kind: "unassign-host", reason: "buffer", pools: [] });
  }
  if (assignmentChanges.length > 0) {
    const plan = { changes: assignmentChanges, summary: [], unplaced: [], notes: [] };
    await executePlan(plan, inventory, consul, options.dockers, { progress: createProgress(assignmentChanges.length, "quiet") });
    actions.push(`assignments: ${assignmentChanges.map((c) => `${c.node} → ${c.kind === "assign-host" ? c.pools.join(",") : "buffer"}`).join(", ")}`);
  }

  // Entries nobody owns.
  const kvDeletes: KvOp[] = [];
  for (const f of findings) {
    if (f.repair !== "remove" || !f.entry) continue;
    const entry = f.entry;
    if (entry.type === "kv") {
      kvDeletes.push({ verb: "delete", key: entry.key });
    } else if (entry.type === "service") {
      const host = inventory.hosts.find((h) => h.node === entry.node);
      const address = host?.address ?? (inventory.services ?? []).find((s) => s.node === entry.node && s.serviceId === entry.serviceId)?.address;
      if (!address) continue;
      await publisher.deregisterContainer({ node: entry.node, address }, entry.serviceId);
      actions.push(`service: deregistered ${entry.serviceId} on ${entry.node}`);
    } else {
      await consul.catalogDeregisterNode(entry.node);
      actions.push(`node: deregistered ${entry.node} from the catalog`);
    }
  }
  if (kvDeletes.length > 0) {
    await consul.txn(kvDeletes);
    actions.push(`kv: deleted ${kvDeletes.map((o) => o.key).join(", ")}`);
  }

  // Node meta: the host agent's own configuration (from its bootstrap) is the truth.
  const catalogNodes = findings.some((f) => f.repair === "node-meta") ? await consul.nodes() : [];
  for (const f of findings.filter((x) => x.repair === "node-meta")) {
    const node = catalogNodes.find((n) => n.node === f.node);
    if (!node) continue;
    // A host that is down has no agent to ask.
    const own = await consul.agentAt(node.address).agentSelf(5_000).catch(() => undefined);
    if (!own || sameMeta(own.meta, node.meta)) {
      actions.push(`labels: ${node.node} runs with this node meta in its own configuration; re-run its bootstrap with the right DCP_FLEET/DCP_IDC/DCP_ZONE`);
      continue;
    }
    // Re-register the node as its agent would: same id and tagged addresses, the agent's meta.
    await consul.setNodeMeta(node.node, own.nodeId, own.meta);
    actions.push(`labels: ${node.node} node meta restored from its agent's configuration`);
  }
  return actions;
}

function sameMeta(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => a[k] === b[k]);
}
