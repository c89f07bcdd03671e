/**
 * Limits how many hosts one change adds or removes per fleet, in percent of the base
 * and in hosts, so a typo (1200 replicas instead of 120) cannot buy a thousand hosts.
 */
import { PolicyCheck, PolicyConfigBase } from "../types";

export interface MaxStepConfig extends PolicyConfigBase {
  /** Largest change of a fleet's hosts, in percent of its base size (not applied to a new fleet). */
  maxPercent?: number;
  /** Largest change of a fleet's hosts, in hosts. */
  maxHosts?: number;
}

export const maxStep: PolicyCheck<MaxStepConfig> = {
  name: "max-step",
  description: "hosts added or removed per fleet in one change stay within a percentage and an absolute number",
  check({ base, head }, config) {
    if (!base) return [];
    const baseHosts = new Map(base.desired.fleets.map((f) => [f.name, f.desiredHosts]));
    const out: string[] = [];
    for (const f of head.desired.fleets) {
      const was = baseHosts.get(f.name) ?? 0;
      const step = Math.abs(f.desiredHosts - was);
      if (step === 0) continue;
      if (config.maxHosts !== undefined && step > config.maxHosts) {
        out.push(`fleet ${f.name}: ${was} → ${f.desiredHosts} hosts changes ${step} hosts at once (limit ${config.maxHosts}); split the change into smaller steps`);
      }
      if (config.maxPercent !== undefined && was > 0) {
        const percent = (step / was) * 100;
        if (percent > config.maxPercent) {
          out.push(`fleet ${f.name}: ${was} → ${f.desiredHosts} hosts is a ${percent.toFixed(0)}% step (limit ${config.maxPercent}%); split the change into smaller steps`);
        }
      }
    }
    return out;
  },
};
