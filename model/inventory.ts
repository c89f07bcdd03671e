/**
 * The inventory: what is live, read from the Consul catalog (hosts, node meta, health),
 * Consul KV (init status, assignments, upstreams) and each host's Docker daemon
 * (dcp-labelled containers). Plain data; the planner is a pure function of this and
 * the desired state.
 */
import { Resources } from "./container-types";

export interface InventoryContainer {
  /** Docker container id. */
  id: string;
  name: string;
  pool: string;
  specHash: string;
  /** Stable instance id (label), unique per pool; survives host moves. */
  instance: string;
  image: string;
  running: boolean;
  /** Consul check status for the container's catalog service, when registered. */
  health: "passing" | "warning" | "critical" | "unknown";
  resources: Resources;
  /** Host ports the container listens on (host networking). */
  ports: number[];
  createdAt: string;
}

export interface InventoryHost {
  /** Consul node name; unique. */
  node: string;
  address: string;
  idc: string;
  zone: string;
  fleet: string;
  cloud: boolean;
  capacity: Resources;
  dockerEndpoint: string;
  /** All node meta, for placement constraints. */
  meta: Record<string, string>;
  /** Consul serfHealth passing and Docker daemon answered. */
  healthy: boolean;
  /** Init status in KV says stage "ready" and ok. */
  initialised: boolean;
  /** Pools this host is assigned to; empty: the host is in the buffer. */
  assignedPools: string[];
  /** null when the daemon could not be reached (then healthy is false). */
  containers: InventoryContainer[] | null;
  /** When its bootstrap reported ready (the init status `at`): its join time, for cost. */
  since?: string;
}

export interface UpstreamEntry {
  upstream: string;
  /** `ip:port` */
  server: string;
  weight: number;
  maxFails: number;
  failTimeoutSeconds: number;
  down: boolean;
  /** The raw KV value, for drift on hand edits. */
  raw: string;
}

/** A dcp container registered as a Consul catalog service (service id = container name). */
export interface InventoryService {
  node: string;
  serviceId: string;
  name: string;
  address: string;
  port: number;
  meta: Record<string, string>;
}

export interface Inventory {
  hosts: InventoryHost[];
  upstreams: UpstreamEntry[];
  /**
   * dcp catalog services. They outlive a host whose daemon died, so the planner can
   * deregister what it replaces. Absent: not read (treated as none).
   */
  services?: InventoryService[];
  /** When it was read. */
  at: string;
}
