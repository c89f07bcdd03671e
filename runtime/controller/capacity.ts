/**
 * Where new buffer hosts come from. In the cloud, a fleet's hosts are ESS scaling groups
 * (one per zone, in priority order): Terraform owns each group and its min/max, and the
 * controller raises desired capacity between them. A local site has no capacity the
 * controller can raise (its hosts come from `cdktf deploy`): a shortfall there is logged.
 */
import { DcpError } from "../../model/errors";
import { KV } from "../../model/host-metadata";
import { spreadRefill } from "../autoscale/buffer";
import { ConsulClient } from "../consul/client";
import { EssClient, essConfigFromEnv } from "../ess/client";

export interface HostCapacity {
  /** Asks for `hosts` more hosts in `fleet`; says what it did. */
  refill(fleet: string, hosts: number): Promise<string>;
}

export interface FleetScalingGroups {
  region: string;
  /** Zone priority order. */
  scalingGroups: string[];
}

/** The scaling groups the cloud deploy recorded for a fleet. */
export async function readFleetScalingGroups(consul: ConsulClient, fleet: string): Promise<FleetScalingGroups> {
  const key = KV.fleetScalingGroups(consul.config.kvRoot, fleet);
  const raw = await consul.kvGet(key);
  try {
    const value = JSON.parse(raw ?? "") as FleetScalingGroups;
    if (typeof value.region === "string" && Array.isArray(value.scalingGroups) && value.scalingGroups.length > 0) return value;
  } catch {
    // reported below
  }
  throw new DcpError(`fleet ${fleet}: no scaling groups recorded at ${key} (the cloud deploy records them); cannot refill its buffer`);
}

/** Refills through ESS: raises the groups' desired capacity in zone order, each within its max. */
export class EssCapacity implements HostCapacity {
  constructor(
    private readonly groupsOf: (fleet: string) => Promise<FleetScalingGroups>,
    private readonly clientFor: (region: string) => EssClient = (region) => new EssClient(essConfigFromEnv(region)),
  ) {}

  async refill(fleet: string, hosts: number): Promise<string> {
    const { region, scalingGroups } = await this.groupsOf(fleet);
    const ess = this.clientFor(region);
    const groups = await Promise.all(scalingGroups.map((id) => ess.scalingGroup(id)));
    const { changes, unplaced } = spreadRefill(groups.map((g) => ({ id: g.scalingGroupId, desired: g.desiredCapacity, max: g.maxSize })), hosts);
    for (const c of changes) await ess.setDesiredCapacity(c.id, c.desired, groups.find((g) => g.scalingGroupId === c.id));
    const done = changes.map((c) => `${c.id} ${groups.find((g) => g.scalingGroupId === c.id)!.desiredCapacity} → ${c.desired}`).join(", ");
    return `ESS desired capacity ${done || "unchanged"}${unplaced > 0 ? `; ${unplaced} host(s) found no room below the groups' max (raise max in the stack)` : ""}`;
  }
}
