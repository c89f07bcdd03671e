/**
 * The desired state: what synth produces for the runtime besides Terraform JSON.
 * Constructs build it; the runtime plans against it. Plain data, JSON-serialisable.
 */
import { createHash } from "node:crypto";
import { AutoscaleDefinition, AutoscaleSpec } from "./autoscale";
import { ContainerTypeName, Resources } from "./container-types";
import { UpdateSpec } from "./rollout";
import { ConsumerFormat, ConsumersSpec, ConsumerStatus, FollowsSpec } from "./take-down";

export type PlacementStrategy = "binpack" | "spread" | "random";
export type ChargeType = "PostPaid" | "PrePaid" | "Spot";

export interface PortSpec {
  name: string;
  port: number;
}

export interface HealthCheckSpec {
  path: string;
  port: number;
  intervalSeconds: number;
  timeoutSeconds: number;
}

export interface UpstreamSpec {
  /** nginx upstream name, the KV folder under the upstream prefix. */
  name: string;
  /** Weight on a private host; cloud hosts get weight × their IDC's cloudWeightFactor. */
  weight: number;
  maxFails: number;
  failTimeoutSeconds: number;
  /** How its consumers follow it; absent: followWithin 10 s, no status endpoint (model/take-down.ts). */
  consumers?: ConsumersSpec;
}

export interface PlacementSpec {
  strategy: PlacementStrategy;
  /** At most one container of this pool per host. */
  antiAffinity?: "host";
  /**
   * `key==value` or `key!=value` over host attributes (idc, zone, fleet, node and node
   * meta), `*` in the value for any characters, `key==~value` for a preference
   * (model/pool-rules/constraints.ts).
   */
  constraints: string[];
}

export interface DependencySpec {
  pool: string;
  ratio: number;
}

export interface PoolSpec {
  name: string;
  image: string;
  containerType: ContainerTypeName;
  /** Replicas declared for this pool itself. */
  replicas: number;
  /** Declared replicas plus those added by pools that depend on this one (dependency ratios). */
  effectiveReplicas: number;
  /** Load-driven replicas within reviewed bounds; `replicas` is then the controller's current value. */
  autoscale?: AutoscaleSpec;
  /** IDCs in order of preference. */
  idcs: string[];
  ports: PortSpec[];
  healthCheck?: HealthCheckSpec;
  upstream?: UpstreamSpec;
  placement: PlacementSpec;
  dependencies: DependencySpec[];
  owner: string;
  costCentre?: string;
  env: Record<string, string>;
  /** Overrides the image's command. */
  command?: string[];
  /** Rolling updates; absent: maxSurge 25%, maxUnavailable 25% (model/rollout.ts). */
  update?: Partial<UpdateSpec>;
  /** SIGTERM, then this long before SIGKILL; absent: 10 s. */
  stopGracePeriodSeconds?: number;
  /** An entry tier: the upstreams it routes to and its status page (model/take-down.ts). */
  follows?: FollowsSpec;
  /** Where the pool was declared: a pool file path, or the construct path. */
  source: string;
}

export interface IdcSpec {
  name: string;
  kind: "private" | "cloud";
  /** Alibaba Cloud region for cloud IDCs. */
  region?: string;
  /** Zones in priority order. */
  zones: string[];
  consulAddress: string;
  /** Multiplier on upstream weight for cloud hosts (0.8: weight 20 becomes 16). */
  cloudWeightFactor: number;
}

export interface FleetSpec {
  name: string;
  idc: string;
  /** Capacity of one host of this class. */
  hostClass: Resources;
  instanceTypes: string[];
  chargeType: ChargeType;
  /** Hosts needed by the pools placed on this fleet (before buffer and free capacity). */
  hostsForPools: number;
  bufferHosts: number;
  /** Declared free private capacity, in hosts, subtracted from the need. */
  freeHosts: number;
  /** hostsForPools + bufferHosts − freeHosts, never below zero. */
  desiredHosts: number;
  /**
   * Local profile: the fleet's hosts by node name, as Terraform keeps them. A live host of
   * the fleet that is not listed is leaving: the runtime moves its containers off before
   * Terraform removes it. Absent in the cloud profile (ESS picks the instances).
   */
  hosts?: string[];
}

export interface DesiredState {
  version: 1;
  idcs: IdcSpec[];
  fleets: FleetSpec[];
  pools: PoolSpec[];
}

/** The digest the runtime resource of a stack carries: it runs again when this changes, and checks desired.json against it. */
export function desiredStateSha256(desired: DesiredState): string {
  return createHash("sha256").update(JSON.stringify(desired)).digest("hex");
}

/** The same pools at zero replicas: what `cdktf destroy` applies before the hosts go (every container taken down without dropping traffic). */
export function takenDown(desired: DesiredState): DesiredState {
  // Without its autoscale rule: apply would hold an autoscaled pool at the controller's replicas, at least its min.
  return { ...desired, pools: desired.pools.map(({ autoscale: _autoscale, ...p }) => ({ ...p, replicas: 0, effectiveReplicas: 0 })) };
}

/**
 * A pool as declared (pool file or TypeScript), before the ServicePool construct applies
 * its documented defaults and before dependency ratios are resolved.
 */
export interface PoolDefinition {
  name: string;
  image: string;
  containerType: ContainerTypeName;
  replicas: number;
  idcs: string[];
  ports?: PortSpec[];
  healthCheck?: Partial<HealthCheckSpec> & { path: string; port: number };
  upstream?: Partial<Omit<UpstreamSpec, "consumers">> & {
    name: string;
    consumers?: { followWithinSeconds?: number; status?: Array<Omit<ConsumerStatus, "format"> & { format?: ConsumerFormat }> };
  };
  placement?: Partial<PlacementSpec>;
  dependencies?: DependencySpec[];
  autoscale?: AutoscaleDefinition;
  owner: string;
  costCentre?: string;
  env?: Record<string, string>;
  command?: string[];
  update?: Partial<UpdateSpec>;
  stopGracePeriodSeconds?: number;
  follows?: { upstreams: string[]; status?: { port: string; path: string; format?: ConsumerFormat } };
  /** Where it was declared, e.g. "stacks/pools/feed-api.yaml:1". */
  source?: string;
  /**
   * Where each field was written, by field path as errors name it (`idcs[1]`,
   * `healthCheck.interval`), e.g. "stacks/pools/feed-api.yaml:7:5". Pool files fill it in,
   * so errors found after loading (an IDC no stack defines) point at the field's line.
   */
  fieldSources?: Record<string, string>;
}
