/**
 * A pool placed in a cloud IDC can spread over at least N zones: the IDC has that many
 * and the pool's constraints do not pin it to fewer. One zone's stock running out or
 * failing then takes only part of the pool.
 */
import { admits, readConstraint } from "../../model/pool-rules/constraints";
import { PolicyCheck, PolicyConfigBase } from "../types";

export interface MinZonesConfig extends PolicyConfigBase {
  minZones: number;
}

export const minZones: PolicyCheck<MinZonesConfig> = {
  name: "min-zones",
  description: "pools in cloud IDCs can spread over a minimum number of zones",
  check({ head }, config) {
    const idcs = new Map(head.desired.idcs.map((i) => [i.name, i]));
    const out: string[] = [];
    for (const pool of head.desired.pools) {
      // A pool smaller than the minimum cannot meet it; asking would only add noise.
      if (pool.effectiveReplicas < config.minZones) continue;
      for (const idcName of pool.idcs) {
        const idc = idcs.get(idcName);
        if (!idc || idc.kind !== "cloud") continue;
        const zones = idc.zones.filter((z) => allowed(pool.placement.constraints, z));
        if (zones.length < config.minZones) {
          out.push(`pool ${pool.name} in ${idc.name}: can use ${zones.length} zone(s) (${zones.join(", ") || "none"}), needs at least ${config.minZones}; relax its zone constraints or add zones to the IDC`);
        }
      }
    }
    return out;
  },
};

/** The pool's zone requirements admit the zone; preferences and constraints on other attributes do not narrow zones. */
function allowed(constraints: string[], zone: string): boolean {
  return constraints.every((text) => {
    const parsed = readConstraint(text);
    return !parsed.ok || parsed.constraint.key !== "zone" || parsed.constraint.soft || admits(parsed.constraint, zone);
  });
}
