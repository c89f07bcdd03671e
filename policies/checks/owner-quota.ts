/**
 * Quota per owner and IDC, in containers or CPU cores, counted on the head's effective
 * replicas (dependency ratios included: a team pays for what its pools pull in).
 */
import { allocatePools } from "../../cost/allocation";
import { CONTAINER_TYPES } from "../../model/container-types";
import { PolicyCheck, PolicyConfigBase } from "../types";

export interface OwnerQuotaConfig extends PolicyConfigBase {
  quotas: Array<{ owner: string; idc: string; maxContainers?: number; maxCpu?: number }>;
}

export const ownerQuota: PolicyCheck<OwnerQuotaConfig> = {
  name: "owner-quota",
  description: "containers and CPU per owner and IDC stay within quota",
  check({ head }, config) {
    const owners = new Map(head.desired.pools.map((p) => [p.name, p]));
    const used = new Map<string, { containers: number; cpu: number }>();
    for (const a of allocatePools(head.desired)) {
      const pool = owners.get(a.pool)!;
      const key = `${pool.owner}\u0000${a.idc}`;
      const u = used.get(key) ?? { containers: 0, cpu: 0 };
      u.containers += a.replicas;
      u.cpu += a.replicas * CONTAINER_TYPES[pool.containerType].cpu;
      used.set(key, u);
    }
    const out: string[] = [];
    for (const q of config.quotas) {
      const u = used.get(`${q.owner}\u0000${q.idc}`) ?? { containers: 0, cpu: 0 };
      if (q.maxContainers !== undefined && u.containers > q.maxContainers) {
        out.push(`owner ${q.owner} in ${q.idc}: ${u.containers} containers exceed the quota of ${q.maxContainers}`);
      }
      if (q.maxCpu !== undefined && u.cpu > q.maxCpu) {
        out.push(`owner ${q.owner} in ${q.idc}: ${u.cpu} CPU cores exceed the quota of ${q.maxCpu}`);
      }
    }
    return out;
  },
};
