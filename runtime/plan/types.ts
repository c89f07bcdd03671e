/**
 * The runtime plan: an ordered list of changes that turns the live inventory into the
 * desired state. Plain data (JSON-serialisable) so that outputs, drift and policies can
 * read it without the runtime.
 *
 * Execution order is carried by two fields on every change:
 * - `wave`: waves run one after another. Wave 0 assigns buffer hosts; each rolling-update
 *   batch is its own wave; the last wave returns empty hosts to the buffer.
 * - `chain`: inside a wave, the changes of one chain run in list order, and chains run in
 *   parallel. "Up" chains (create → start → wait-healthy → register → publish-upstream)
 *   of a wave all finish before any "down" chain (unpublish-upstream → drain →
 *   await-consumers → stop → remove) of the same wave starts, so nothing is removed before
 *   its replacement serves. An in-place replacement (no spare host or port) is one chain
 *   that runs with the up chains: the old container's down steps, then the new one's up
 *   steps on the same host and ports.
 */
import { ContainerTypeName, Resources } from "../../model/container-types";
import { HealthCheckSpec } from "../../model/desired-state";
import { ConsumerStatus } from "../../model/take-down";

export type ChangeKind =
  | "assign-host"
  | "create"
  | "start"
  | "wait-healthy"
  | "register"
  | "publish-upstream"
  | "unpublish-upstream"
  | "drain"
  | "await-consumers"
  | "stop"
  | "remove"
  | "unassign-host";

/** Why a change is in the plan; outputs group by it. */
export type ChangeReason =
  | "scale-out"
  | "scale-in"
  | "rolling-update"
  /** The container's host is unhealthy or its daemon did not answer: rescheduled elsewhere. */
  | "replace-lost"
  /**
   * A container exists but is stopped, unregistered or unpublished, a host's assignment
   * disagrees with what runs on it, or a container is replaced in place: brought back in line.
   */
  | "repair"
  /** The same instance runs twice (e.g. a host came back after its containers were replaced). */
  | "duplicate"
  /** An upstream entry or catalog service with no container behind it. */
  | "stale"
  /** A container of a pool that is no longer desired (only when the pool is in scope). */
  | "pool-removed"
  /** Its host is leaving (Terraform removes it after this apply): moved to another host first. */
  | "host-leaving"
  | "buffer";

/** "in-place": a take-down and its replacement in one chain, run beside the up chains. */
export type ChainDirection = "up" | "down" | "host" | "in-place";

interface ChangeBase {
  kind: ChangeKind;
  wave: number;
  /** Changes with the same chain run in order; e.g. "up:feed-api-00017". */
  chain: string;
  direction: ChainDirection;
  node: string;
  reason: ChangeReason;
}

export interface AssignHostChange extends ChangeBase {
  kind: "assign-host";
  /** Pools the host is assigned to after the change. */
  pools: string[];
  /** Pools it was assigned to before; empty: it came from the buffer. */
  previousPools: string[];
}

/** Pools that end with no container on the host are taken off it; with none left the host returns to the buffer. */
export interface UnassignHostChange extends ChangeBase {
  kind: "unassign-host";
  previousPools: string[];
  /** Pools the host stays assigned to; empty: back to the buffer. */
  pools: string[];
}

/** A published port of one container: `port` is the host port (host networking). */
export interface ContainerPort {
  name: string;
  port: number;
}

interface ContainerChangeBase extends ChangeBase {
  pool: string;
  instance: string;
  /** Docker container name and Consul service id: `dcp-<instance>-<hash8>`. */
  containerName: string;
  specHash: string;
}

export interface CreateChange extends ContainerChangeBase {
  kind: "create";
  image: string;
  containerType: ContainerTypeName;
  /** What placement reserves; Docker's CPU limit is scaled down on the local profile (runtime/docker/cpu-limit.ts). */
  resources: Resources;
  ports: ContainerPort[];
  env: Record<string, string>;
  command?: string[];
}

export interface StartChange extends ContainerChangeBase {
  kind: "start";
}

export interface WaitHealthyChange extends ContainerChangeBase {
  kind: "wait-healthy";
  /** Absent: the pool has no health check; healthy means running. */
  healthCheck?: HealthCheckSpec & { address: string };
}

export interface RegisterChange extends ContainerChangeBase {
  kind: "register";
  address: string;
  /** The pool's first port. */
  port: number;
  healthCheck?: HealthCheckSpec;
  /**
   * The chain waited for this health check just before: the agent's check starts as passing,
   * so the service resolves at once instead of after the check's first run.
   */
  healthVerified: boolean;
}

export interface PublishUpstreamChange extends ChangeBase {
  kind: "publish-upstream";
  pool: string;
  instance?: string;
  upstream: string;
  /** `ip:port` */
  server: string;
  weight: number;
  maxFails: number;
  failTimeoutSeconds: number;
  /** Published `"down":1`: the container's check fails (or it is not running), so it takes no traffic. */
  down?: boolean;
}

export interface UnpublishUpstreamChange extends ChangeBase {
  kind: "unpublish-upstream";
  pool?: string;
  instance?: string;
  upstream: string;
  server: string;
}

/** Deregisters the container's catalog service (DNS consumers stop resolving it). */
export interface DrainChange extends ChangeBase {
  kind: "drain";
  pool: string;
  instance: string;
  /** Catalog service id to deregister. */
  serviceId: string;
  address: string;
}

/**
 * Waits until the consumers no longer route to the server: each status endpoint polled
 * until the server is gone from it, at most `seconds` (the upstream's followWithin); with
 * no endpoint, `seconds`.
 */
export interface AwaitConsumersChange extends ChangeBase {
  kind: "await-consumers";
  pool: string;
  instance: string;
  /** `ip:port`; absent for a container only in the catalog. */
  server?: string;
  /** The upstreams the server left, with their consumers' status endpoints. */
  upstreams: Array<{ upstream: string; status: ConsumerStatus[] }>;
  /** The longest this take-down waits. */
  seconds: number;
}

export interface StopChange extends ContainerChangeBase {
  kind: "stop";
  containerId: string;
  timeoutSeconds: number;
}

export interface RemoveChange extends ContainerChangeBase {
  kind: "remove";
  containerId: string;
}

export type Change =
  | AssignHostChange
  | CreateChange
  | StartChange
  | WaitHealthyChange
  | RegisterChange
  | PublishUpstreamChange
  | UnpublishUpstreamChange
  | DrainChange
  | AwaitConsumersChange
  | StopChange
  | RemoveChange
  | UnassignHostChange;

export interface PoolSummary {
  pool: string;
  desired: number;
  /** Containers of the pool that run now (any spec). */
  running: number;
  /** Running containers whose catalog check passes (or that have no check). */
  healthy: number;
  toCreate: number;
  toRemove: number;
  /** Instances on the current spec hash after the apply, out of desired. */
  upToDate: number;
  /** Instances whose host is lost, rescheduled elsewhere. */
  replaced: number;
  /**
   * A canary that holds: the instances on the new spec after this plan (the canary) and how
   * many old-spec instances wait for `--promote` (or go back with `--abort`).
   */
  canary?: { specHash: string; instances: string[]; waiting: number };
  /** An autoscaled pool's bounds; `desired` is then the controller's current replicas (its own, plus what dependents add). */
  autoscale?: { min: number; max: number };
}

export interface UnplacedContainer {
  pool: string;
  instance: string;
  reason: string;
  rejectedBy: Record<string, number>;
}

export interface RuntimePlan {
  changes: Change[];
  summary: PoolSummary[];
  unplaced: UnplacedContainer[];
  /** Things a reviewer should know (lost hosts, unplaced containers; the runtime adds CPU scaling on the local profile). */
  notes: string[];
}

export interface PlanOptions {
  /** Scheduler seed; same seed and inputs give the same plan. */
  seed?: number;
  /** Only these pools are planned; others are left alone. Default: every desired pool. */
  pools?: string[];
  /**
   * Remove containers of pools absent from the desired state, their hosts' assignments
   * and the entries of upstreams no desired pool owns. Default false: a pool missing from
   * a partial desired state is not deleted by accident.
   */
  prune?: boolean;
  /**
   * Containers (by Docker id) to replace in place: taken down in one wave, their instance
   * created again in the next. A container recreated by hand from another image under the
   * current spec's name would otherwise be kept, and its replacement would need its name
   * (`dcp drift --fix` passes them). Default none.
   */
  replace?: string[];
  /**
   * Roll the pools that hold a canary (`update.canary`) through to the new spec
   * (`dcp apply --promote`). Default false: a canary pool rolls `update.canary` instances
   * and stops there.
   */
  promote?: boolean;
  /**
   * Publish a kept container's upstream entry down while its check fails, and up again
   * once it passes. The controller sets it: it re-plans when a check changes. Default
   * false: a one-shot apply would leave the entry down after a check that failed only
   * for a moment (an agent that just restarted reports critical until its first run).
   */
  followChecks?: boolean;
}
