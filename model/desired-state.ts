/**
 * The desired state: what synth produces for the runtime besides Terraform JSON.
 * Constructs build it; the runtime plans against it. Plain data, JSON-serialisable.
 */
import { AutoscaleDefinition, AutoscaleSpec } from "./autoscale";
import { ContainerTypeName, Resources } from "./container-types";

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
}

export interface PlacementSpec {
  strategy: PlacementStrategy;
  /** At most one container of this pool per host. */
  antiAffinity?: "host";
  /** `key==value` or `key!=value` over host attributes (idc, zone, fleet, and node meta). */
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
}

export interface DesiredState {
  version: 1;
  idcs: IdcSpec[];
  fleets: FleetSpec[];
  pools: PoolSpec[];
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
  upstream?: Partial<UpstreamSpec> & { name: string };
  placement?: Partial<PlacementSpec>;
  dependencies?: DependencySpec[];
  autoscale?: AutoscaleDefinition;
  owner: string;
  costCentre?: string;
  env?: Record<string, string>;
  command?: string[];
  /** Where it was declared, e.g. "stacks/pools/feed-api.yaml:1". */
  source?: string;
  /**
   * Where each field was written, by field path as errors name it (`idcs[1]`,
   * `healthCheck.interval`), e.g. "stacks/pools/feed-api.yaml:7:5". Pool files fill it in,
   * so errors found after loading (an IDC no stack defines) point at the field's line.
   */
  fieldSources?: Record<string, string>;
}
