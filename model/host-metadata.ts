/**
 * Contracts between host bootstrap, Consul and the runtime. A host registers itself
 * in the Consul catalog with these node meta keys; everything the runtime knows
 * about a host's identity comes from here, never from Docker daemon labels.
 */
export const NODE_META = {
  idc: "dcp_idc",
  zone: "dcp_zone",
  fleet: "dcp_fleet",
  hostClassCpu: "dcp_cpu",
  hostClassMemoryMiB: "dcp_memory_mib",
  cloud: "dcp_cloud",
  /** Docker API endpoint, e.g. tcp://192.168.77.11:2376 */
  docker: "dcp_docker",
} as const;

/** Consul KV layout owned by dcp (all under a configurable root, default "dcp"). */
export const KV = {
  /** `<root>/hosts/<node>/init` → {"stage":"docker"|"consul"|"ready","ok":true|false,"error"?:string,"at":ISO} */
  hostInit: (root: string, node: string) => `${root}/hosts/${node}/init`,
  /** `<root>/assignments/<node>` → `{"pools":["feed-api",…]}`. No key: the host is in the buffer. */
  assignment: (root: string, node: string) => `${root}/assignments/${node}`,
  assignments: (root: string) => `${root}/assignments/`,
  /** Session lock that keeps two applies apart. */
  applyLock: (root: string) => `${root}/locks/apply`,
  /** Session lock held by the one active controller of the datacenter; its value names the leader. */
  controllerLock: (root: string) => `${root}/locks/controller`,
  /** The desired state the last apply ran with: what the controller keeps between deploys. */
  deployed: (root: string) => `${root}/desired`,
  /** `<root>/specs/<pool>` → `{"<spec hash>": {image, containerType, env, command, ports, healthCheck}, …}`: the specs apply deployed, newest last, for `--abort`. */
  specs: (root: string, pool: string) => `${root}/specs/${pool}`,
  /** `<root>/autoscale/<pool>` → the controller's replicas for the pool and when it last scaled it. */
  autoscale: (root: string, pool: string) => `${root}/autoscale/${pool}`,
  autoscaleAll: (root: string) => `${root}/autoscale/`,
  /**
   * `<root>/fleets/<fleet>/scaling-groups` → `{"region":"cn-beijing","scalingGroups":["asg-…",…]}`, in zone
   * priority order: the ESS groups a cloud fleet's buffer is refilled through (the cloud deploy records them).
   */
  fleetScalingGroups: (root: string, fleet: string) => `${root}/fleets/${fleet}/scaling-groups`,
  /** `<root>/fleets/<fleet>/refills` → refills asked for and not yet arrived (see runtime/autoscale/buffer.ts). */
  fleetRefills: (root: string, fleet: string) => `${root}/fleets/${fleet}/refills`,
  /** The active controller's status (leader, last pass, lag) and its recent decisions. */
  controllerStatus: (root: string) => `${root}/controller/status`,
  decisions: (root: string) => `${root}/controller/decisions`,
} as const;

/** Labels on every container dcp creates; the daemons are the truth for containers. */
export const CONTAINER_LABELS = {
  managed: "dcp.managed",
  pool: "dcp.pool",
  specHash: "dcp.spec-hash",
  instance: "dcp.instance",
  /** Host ports in the order of the pool's ports, comma-separated (host networking). */
  ports: "dcp.ports",
  /** The container type's CPU and memory, for placement (the Docker CPU limit may be scaled). */
  cpu: "dcp.cpu",
  memoryMiB: "dcp.memory-mib",
} as const;

/** Tag on every service dcp registers, so the catalog can be filtered cheaply. */
export const DCP_SERVICE_TAG = "dcp";

/** Service meta keys every dcp registration carries (the planner, services() and drift rely on them). */
export const SERVICE_META = { pool: "dcp_pool", instance: "dcp_instance", specHash: "dcp_spec_hash" } as const;

/** Default nginx-upsync-module KV prefix. */
export const DEFAULT_UPSTREAM_PREFIX = "upstreams";
