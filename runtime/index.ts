/**
 * The runtime's entry points: plan against the live fleet, and apply. Used by `dcp plan`,
 * `dcp apply`, `dcp up` and the review/drift commands.
 */
import { hostname } from "node:os";
import pLimit from "p-limit";
import { DesiredState } from "../model/desired-state";
import { DcpError } from "../model/errors";
import { ConsulClient, consulConfigFromEnv } from "./consul/client";
import { withApplyLock } from "./consul/lock";
import { DockerHosts } from "./docker/hosts";
import { cpuScalingNote, CpuScaling } from "./docker/cpu-limit";
import { readTlsMaterial } from "./docker/driver";
import { readInventory } from "./inventory/read";
import { expectationsOf, waitForHostInit } from "./inventory/host-init";
import { Inventory } from "../model/inventory";
import { planChanges } from "./plan/planner";
import { CreateChange, PlanOptions, RuntimePlan } from "./plan/types";
import { DEFAULT_PER_HOST, executePlan } from "./apply/execute";
import { PhaseTiming } from "./apply/timing";
import { createProgress, ProgressMode } from "./apply/progress";
import { withAutoscaledReplicas } from "./autoscale/replicas";
import { readDecidedReplicas, readRecordedSpecs, recordSpecs, writeDeployed } from "./controller/state";
import { abortRolls } from "./plan/abort";

/** Plan options, and how Docker CPU limits are scaled (the local profile). */
export interface RuntimeOptions extends PlanOptions, CpuScaling {
  /** Default: a client of its own, from CONSUL_HTTP_ADDR / CONSUL_HTTP_TOKEN (or consulAddress). */
  consul?: ConsulClient;
  /** Consul's address for a client of its own, instead of CONSUL_HTTP_ADDR (e.g. a local site's server). */
  consulAddress?: string;
  /** Dir with the Docker client certificates. Default: env DCP_TLS_DIR. */
  tlsDir?: string;
  /** Allow plain tcp:// Docker endpoints that are not loopback. */
  insecureDocker?: boolean;
  /** Return canaries and stopped rolls to the spec they started from (runtime/plan/abort.ts). Default false. */
  abort?: boolean;
}

export interface ApplyOptions extends RuntimeOptions {
  /** Seconds to wait for another apply holding the lock. Default 0: refuse at once. */
  waitLockSeconds?: number;
  /** Docker steps in flight over all hosts. Default DEFAULT_PARALLEL (see apply/execute.ts). */
  parallel?: number;
  /** Docker steps in flight per host. Default DEFAULT_PER_HOST (see apply/execute.ts). */
  perHost?: number;
  progress?: ProgressMode;
  /** Who holds the lock, shown to a refused apply. Default user@host pid. */
  holder?: string;
  healthTimeoutMs?: number;
  /**
  /**
   * Before planning, wait up to this long for the hosts the desired state expects to report
   * init status ready (a local fleet's listed hosts, each cloud fleet's size). Default: no wait.
   */
  waitInitSeconds?: number;
  /**
   * Record the desired state in Consul as the one deployed, for the controller to keep
   * between deploys. Default true; the controller's own applies pass false.
   */
  recordDeployed?: boolean;
}

export interface ApplyReport {
  plan: RuntimePlan;
  applied: number;
  /** Seconds: reading the inventory, scheduling (planning), then each phase's span from the start of execution. */
  timings: { inventorySeconds: number; scheduleSeconds: number; preflightSeconds: number; executeSeconds: number; totalSeconds: number; phases: PhaseTiming[] };
  warnings: string[];
}

/**
 * Runs `fn` with the caller's Consul client, or with one of its own that is closed after:
 * its keep-alive connections to each host's agent would stay open, and an agent refuses a
 * client with 200 open connections (a process applying again and again hit that).
 */
async function withConsul<T>(options: RuntimeOptions, fn: (consul: ConsulClient) => Promise<T>): Promise<T> {
  if (options.consul) return fn(options.consul);
  const consul = new ConsulClient(consulConfigFromEnv(options.consulAddress ? { address: options.consulAddress } : {}));
  try {
    return await fn(consul);
  } finally {
    consul.close();
  }
}

/** The planner's plan, with the note a reviewer needs when Docker gets scaled-down CPU limits (local profile). */
function planFor(desired: DesiredState, inventory: Inventory, options: RuntimeOptions, notes: string[] = []): RuntimePlan {
  const plan = planChanges(desired, inventory, options);
  const note = cpuScalingNote(inventory.hosts, options);
  return { ...plan, notes: [...notes, ...plan.notes, ...(note ? [note] : [])] };
}

/** What is deployed: the desired state, or with `--abort` the old spec of each pool that rolls (runtime/plan/abort.ts). */
async function deploying(desired: DesiredState, inventory: Inventory, consul: ConsulClient, options: RuntimeOptions): Promise<{ desired: DesiredState; notes: string[] }> {
  if (!options.abort) return { desired, notes: [] };
  const pools = options.pools ?? desired.pools.map((p) => p.name);
  return abortRolls(desired, inventory, await readRecordedSpecs(consul, pools), options.pools);
}

/** Refuses before any change: Consul unreachable (a server electing a leader gets a moment), TLS material missing. */
export async function preconditions(consul: ConsulClient, options: RuntimeOptions): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      await consul.ping();
      break;
    } catch (err) {
      if (!/no cluster leader/.test((err as Error).message) || Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  const tlsDir = options.tlsDir ?? process.env.DCP_TLS_DIR;
  if (tlsDir) readTlsMaterial(tlsDir);
}

/** The hosts' daemons for one command, with as many connections to each as steps may run on it at once. */
function dockerHosts(options: RuntimeOptions & { perHost?: number }): DockerHosts {
  return new DockerHosts({ tlsDir: options.tlsDir, insecureDocker: options.insecureDocker, maxSockets: options.perHost ?? DEFAULT_PER_HOST });
}

export async function planFromLive(desired: DesiredState, options: RuntimeOptions = {}): Promise<{ inventory: Inventory; plan: RuntimePlan }> {
  return withConsul(options, async (consul) => {
    await preconditions(consul, options);
    const dockers = dockerHosts(options);
    try {
      const inventory = await readInventory(consul, dockers);
      const target = await deploying(desired, inventory, consul, options);
      // Autoscaled pools at the controller's replicas, as apply would hold them.
      const scaled = withAutoscaledReplicas(target.desired, await readDecidedReplicas(consul));
      return { inventory, plan: planFor(scaled, inventory, options, target.notes) };
    } finally {
      dockers.close();
    }
  });
}

export function unplacedError(plan: RuntimePlan): DcpError {
  const lines = plan.unplaced.slice(0, 5).map((u) => `  ${u.pool} ${u.instance}: ${u.reason}`);
  const more = plan.unplaced.length > 5 ? `\n  … and ${plan.unplaced.length - 5} more` : "";
  return new DcpError(`${plan.unplaced.length} container(s) cannot be placed; nothing was changed:\n${lines.join("\n")}${more}`);
}

/**
 * Hosts checking their images at once. The inventory left a connection open to each, so a
 * check is one request, not a handshake: more than the inventory's reads at once, so that
 * a few slow answers do not hold up the rest (1,000 simulated hosts: 0.3 s with 64).
 */
const PREFLIGHT_PARALLEL = 256;

/** Every image a create needs, pulled on its host before the first change: a missing image fails the apply with nothing changed. */
async function pullImages(plan: RuntimePlan, inventory: Inventory, dockers: DockerHosts): Promise<void> {
  const endpoints = new Map(inventory.hosts.map((h) => [h.node, h.dockerEndpoint]));
  const pairs = new Map<string, CreateChange>();
  for (const c of plan.changes) if (c.kind === "create") pairs.set(`${c.node} ${c.image}`, c);
  // Each host checks and pulls its own images, one at a time; PREFLIGHT_PARALLEL hosts at once.
  const limit = pLimit(PREFLIGHT_PARALLEL);
  const perHost = new Map<string, ReturnType<typeof pLimit>>();
  const hostLimit = (node: string) => perHost.get(node) ?? perHost.set(node, pLimit(1)).get(node)!;
  await Promise.all([...pairs.values()].map((c) => hostLimit(c.node)(() => limit(() => dockers.get(c.node, endpoints.get(c.node)!).ensureImage(c.image)))));
}

export async function applyDesired(desired: DesiredState, options: ApplyOptions = {}): Promise<ApplyReport> {
  const started = Date.now();
  return withConsul(options, async (consul) => {
    await preconditions(consul, options);
    if (options.waitInitSeconds !== undefined) await waitForHostInit(consul, expectationsOf(desired), options.waitInitSeconds * 1000);
    const fleet = { consul, dockers: dockerHosts(options) };
    const holder = options.holder ?? `${process.env.USER ?? "root"}@${hostname()} pid ${process.pid}`;
    const locked = async () => {
      const readStarted = Date.now();
      const inventory = await readInventory(consul, fleet.dockers);
      return applyToInventory(desired, inventory, fleet, options, { started, readStarted });
    };
    const waitMs = (options.waitLockSeconds ?? 0) * 1000;
    const onWait = options.progress === "quiet" ? undefined : (who: string) => process.stderr.write(`waiting up to ${waitMs / 1000} s for the apply lock, held by ${who}\n`);
    try {
      return await withApplyLock(consul, holder, locked, { waitMs, onWait });
    } finally {
      fleet.dockers.close();
    }
  });
}

/** The live fleet an apply changes: its Consul and its hosts' daemons. */
export interface Fleet {
  consul: ConsulClient;
  dockers: DockerHosts;
}

/**
 * Applies the desired state to an inventory read under the apply lock, so what another
 * apply just did is part of it: plans, refuses containers that cannot be placed and
 * missing images with nothing changed, then executes. apply and drift --fix end here.
 */
export async function applyToInventory(wanted: DesiredState, inventory: Inventory, fleet: Fleet, options: ApplyOptions, clock: { started: number; readStarted: number }): Promise<ApplyReport> {
  const { desired, notes } = await deploying(wanted, inventory, fleet.consul, options);
  // Autoscaled pools keep the controller's replicas (within the bounds being deployed).
  const scaled = withAutoscaledReplicas(desired, await readDecidedReplicas(fleet.consul));
  const t1 = Date.now();
  const plan = planFor(scaled, inventory, options, notes);
  const t2 = Date.now();
  if (plan.unplaced.length > 0) throw unplacedError(plan);
  await pullImages(plan, inventory, fleet.dockers);
  if (options.recordDeployed !== false) await recordSpecs(fleet.consul, desired, options.pools);
  const t3 = Date.now();
  const progress = createProgress(plan.changes.length, options.progress);
  for (const note of plan.notes) progress.note(`note: ${note}`);
  try {
    const result = await executePlan(plan, inventory, fleet.consul, fleet.dockers, {
      parallel: options.parallel,
      perHost: options.perHost,
      healthTimeoutMs: options.healthTimeoutMs,
      profile: options.profile,
      machineCores: options.machineCores,
      progress,
    });
    if (options.recordDeployed !== false) await writeDeployed(fleet.consul, desired, options.pools);
    const t4 = Date.now();
    return {
      plan,
      applied: result.applied,
      warnings: result.warnings,
      timings: {
        inventorySeconds: (t1 - clock.readStarted) / 1000,
        scheduleSeconds: (t2 - t1) / 1000,
        preflightSeconds: (t3 - t2) / 1000,
        executeSeconds: (t4 - t3) / 1000,
        totalSeconds: (t4 - clock.started) / 1000,
        phases: result.phases,
      },
    };
  } finally {
    progress.finish();
  }
}
