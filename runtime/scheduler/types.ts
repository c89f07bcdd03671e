/**
 * Scheduler contracts. The scheduler is pure: hosts + requests (+ seed) → placements.
 * A request is placed by running every filter over candidate hosts (feasibility) and
 * then the scorers over the survivors (rank), as Swarm's filter and strategy packages
 * or Nomad's iterators do.
 */
import { Resources } from "../../model/container-types";
import { PlacementStrategy } from "../../model/desired-state";
import { Constraint } from "../../model/pool-rules/constraints";

export interface SchedulerHost {
  node: string;
  idc: string;
  zone: string;
  fleet: string;
  /** idc, zone, fleet and node meta, matched by constraints. */
  attributes: Record<string, string>;
  capacity: Resources;
  /** Resources reserved by containers already on the host. */
  reserved: Resources;
  usedPorts: number[];
  /** Containers per pool already on the host. */
  poolCounts: Record<string, number>;
  healthy: boolean;
  initialised: boolean;
  /** In the buffer (unassigned): used only when assigned hosts cannot take the container. */
  buffer: boolean;
  /** About to be removed (Terraform no longer keeps it): takes nothing new. Default false. */
  leaving?: boolean;
}

/** A parsed placement constraint (model/pool-rules/constraints.ts). */
export type { Constraint } from "../../model/pool-rules/constraints";

export interface ContainerRequest {
  pool: string;
  instance: string;
  resources: Resources;
  ports: number[];
  /** IDCs in preference order; hosts outside them are infeasible. */
  idcs: string[];
  constraints: Constraint[];
  antiAffinity: boolean;
  strategy: PlacementStrategy;
}

export interface Placement {
  pool: string;
  instance: string;
  node: string;
}

export interface Unplaced {
  pool: string;
  instance: string;
  /** Hosts rejected by each filter, by filter name (a host counts for the first filter that rejects it). */
  rejectedBy: Record<string, number>;
  /** One line a person can act on. */
  reason: string;
}

export interface ScheduleResult {
  placements: Placement[];
  unplaced: Unplaced[];
}
