/**
 * `dcp drift` without the CLI: gather the live inputs (inventory, raw keys under dcp's
 * prefixes, agentless catalog nodes), detect, and — for `--fix` — repair through the
 * planner and the executor, then what a plan does not own (unowned entries, catalog node
 * meta), all under one apply lock and from one read.
 */
import { DesiredState } from "../../model/desired-state";
import { NODE_META } from "../../model/host-metadata";
import { ConsulClient, KvOp } from "../consul/client";
import { withApplyLock } from "../consul/lock";
import { DiscoveryPublisher } from "../discovery/publisher";
import { DockerHosts } from "../docker/hosts";
import { ApplyOptions, applyToInventory, preconditions } from "../index";
import { readInventory } from "../inventory/read";
import { Inventory } from "../../model/inventory";
import { Change } from "../plan/types";
import { ConsulEntries, DetectOptions, detectDrift, mislabelledContainers } from "./detect";
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
  apply?: Omit<ApplyOptions, "pools" | "prune" | "replace" | "consul">;
  log?: (line: string) => void;
}

export interface FixResult {
  /** What each repair step did, one line each. */
  actions: string[];
}

/**
 * Repairs drift under one apply lock, from one read of the live state. Containers, host
 * assignments, upstream entries and services of the pools in scope go through the planner
 * and the executor like any apply; a container recreated by hand from another image under
 * the current spec's name is replaced in place. What the plan does not own is repaired
 * after it: entries nobody owns and catalog node meta that differs from the host agent's
 * own configuration. Read the drift again to see what is left.
 */
export async function fixDrift(desired: DesiredState, options: FixOptions): Promise<FixResult> {
  const actions: string[] = [];
  const act = (line: string) => {
    actions.push(line);
    options.log?.(line);
  };
  const apply = options.apply ?? {};
  await preconditions(options.consul, apply);
  const repair = async () => {
    const started = Date.now();
    const { report, inventory } = await readDrift(desired, options);
    const mislabelled = mislabelledContainers(desired, inventory, options.pools);
    for (const m of mislabelled) act(`replacing ${m.name} on ${m.node}: it runs another image under the current spec's name`);
    // Without a pool scope the desired state is complete, so pools absent from it are removed.
    const scope = { pools: options.pools, prune: options.pools === undefined, replace: mislabelled.map((m) => m.id) };
    const applied = await applyToInventory(desired, inventory, options, { ...apply, ...scope }, { started, readStarted: started });
    act(`apply: ${applied.applied} change(s)`);
    for (const line of await repairOutsideApply(report.findings, inventory, applied.plan.changes, options)) act(line);
  };
  await withApplyLock(options.consul, apply.holder ?? "dcp drift --fix", repair, { waitMs: (apply.waitLockSeconds ?? 0) * 1000 });
  return { actions };
}

/** What the plan does not own, from the same read: unowned entries, catalog node meta. */
async function repairOutsideApply(findings: DriftFinding[], inventory: Inventory, planned: Change[], options: FixOptions): Promise<string[]> {
  return [...(await removeUnowned(findings, inventory, planned, options)), ...(await restoreNodeMeta(findings, options.consul))];
}

/**
 * Entries nobody owns: KV keys, agentless catalog nodes, and services the plan neither
 * drained nor registered again (e.g. one without pool meta).
 */
async function removeUnowned(findings: DriftFinding[], inventory: Inventory, planned: Change[], options: FixOptions): Promise<string[]> {
  const { consul } = options;
  const actions: string[] = [];
  const publisher = new DiscoveryPublisher(consul);
  const handled = new Set(planned.flatMap((c) => (c.kind === "drain" ? [`${c.node}/${c.serviceId}`] : c.kind === "register" ? [`${c.node}/${c.containerName}`] : [])));
  const kvDeletes: KvOp[] = [];
  for (const f of findings) {
    if (f.repair !== "remove" || !f.entry) continue;
    const entry = f.entry;
    if (entry.type === "kv") {
      kvDeletes.push({ verb: "delete", key: entry.key });
    } else if (entry.type === "service") {
      if (handled.has(`${entry.node}/${entry.serviceId}`)) continue;
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
  return actions;
}

/** Node meta: the host agent's own configuration (from its bootstrap) is the truth. */
async function restoreNodeMeta(findings: DriftFinding[], consul: ConsulClient): Promise<string[]> {
  const wrong = findings.filter((f) => f.repair === "node-meta");
  if (wrong.length === 0) return [];
  const actions: string[] = [];
  const catalogNodes = await consul.nodes();
  for (const f of wrong) {
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
