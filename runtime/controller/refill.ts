/**
 * Keeps each fleet's host buffer at its target: after a scale-out has taken buffer hosts,
 * asks the fleet's capacity (ESS in the cloud; a local site has none, so only the log) for
 * as many hosts as the buffer lacks, minus those already on their way, and logs it.
 */
import { DesiredState, FleetSpec, IdcSpec } from "../../model/desired-state";
import { Inventory } from "../../model/inventory";
import { bufferShortfalls, refillsDue } from "../autoscale/buffer";
import { Decision } from "../autoscale/decision";
import { ConsulClient } from "../consul/client";
import { EssCapacity, HostCapacity, readFleetScalingGroups } from "./capacity";
import { readRefills, recordRefill } from "./state";

/** A refill not arrived after this is asked for again (a host that never booted). */
export const REFILL_PATIENCE_MS = 15 * 60_000;
/** After a refill failed, the fleet is not asked for again for this long. */
const RETRY_AFTER_FAILURE_MS = 60_000;

/** The capacity of a fleet, or undefined when it cannot grow on its own (a private IDC). */
export type CapacityFor = (fleet: FleetSpec, idc: IdcSpec | undefined) => HostCapacity | undefined;

/** Default: cloud fleets grow through ESS; private ones do not. */
export function defaultCapacity(consul: ConsulClient): CapacityFor {
  const ess = new EssCapacity((fleet) => readFleetScalingGroups(consul, fleet));
  return (_fleet, idc) => (idc?.kind === "cloud" ? ess : undefined);
}

export class BufferKeeper {
  private readonly warned = new Set<string>();
  private readonly failedAt = new Map<string, number>();

  constructor(
    private readonly consul: ConsulClient,
    private readonly capacityFor: CapacityFor,
    private readonly log: (line: string) => void,
    private readonly onError: () => void,
  ) {}

  async keep(deployed: DesiredState, inventory: Inventory, now: number): Promise<Decision[]> {
    const shortfalls = bufferShortfalls(deployed.fleets, inventory.hosts);
    const decisions: Decision[] = [];
    for (const shortfall of shortfalls) {
      const fleet = deployed.fleets.find((f) => f.name === shortfall.fleet)!;
      const capacity = this.capacityFor(fleet, deployed.idcs.find((i) => i.name === fleet.idc));
      if (!capacity) {
        this.warnOnce(fleet.name, `fleet ${fleet.name}: buffer ${shortfall.buffer} of ${shortfall.target}, and nothing can add hosts to it here (IDC ${fleet.idc})`);
        continue;
      }
      if (now - (this.failedAt.get(fleet.name) ?? -Infinity) < RETRY_AFTER_FAILURE_MS) continue;
      const size = inventory.hosts.filter((h) => h.fleet === fleet.name).length;
      const [due] = refillsDue([shortfall], await readRefills(this.consul, fleet.name), new Map([[fleet.name, size]]), now, REFILL_PATIENCE_MS);
      if (!due) continue;
      try {
        const what = await capacity.refill(fleet.name, due.hosts);
        await recordRefill(this.consul, { fleet: fleet.name, hostsBefore: size, hosts: due.hosts, at: now }, REFILL_PATIENCE_MS);
        const why = `buffer ${shortfall.buffer} of ${shortfall.target} host(s): asked for ${due.hosts}: ${what}`;
        decisions.push({ at: new Date(now).toISOString(), pool: fleet.name, kind: "buffer-refill", before: size, after: size + due.hosts, why });
      } catch (err) {
        this.failedAt.set(fleet.name, now);
        this.onError();
        this.log(`refilling the buffer of ${fleet.name} failed: ${(err as Error).message}`);
      }
    }
    return decisions;
  }

  private warnOnce(key: string, line: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.log(line);
  }
}
