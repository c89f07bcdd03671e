/**
 * Dependency ratios are sane: the ratio is in (0, maxRatio], the dependency pool exists,
 * and every pool's effective replicas are what the ratios give (own replicas plus
 * ceil(ratio × dependent's effective replicas), resolved in topological order).
 */
import { resolveDependencies } from "../../model/dependencies";
import { PolicyCheck, PolicyConfigBase } from "../types";

export interface DependencyRatiosConfig extends PolicyConfigBase {
  /** @default 10 */
  maxRatio: number;
}

export const dependencyRatios: PolicyCheck<DependencyRatiosConfig> = {
  name: "dependency-ratios",
  description: "dependency ratios are in range, name existing pools and match the effective replicas",
  check({ head }, config) {
    const pools = new Map(head.desired.pools.map((p) => [p.name, p]));
    const out: string[] = [];
    for (const p of head.desired.pools) {
      for (const d of p.dependencies) {
        if (!(d.ratio > 0 && d.ratio <= config.maxRatio)) out.push(`pool ${p.name}: ratio ${d.ratio} to ${d.pool} is outside (0, ${config.maxRatio}]`);
        if (!pools.has(d.pool)) out.push(`pool ${p.name}: depends on ${d.pool}, which is not a pool`);
      }
    }
    if (out.length > 0) return out;
    let expected: Map<string, number>;
    try {
      expected = resolveDependencies(head.desired.pools);
    } catch (err) {
      return [(err as Error).message];
    }
    for (const p of head.desired.pools) {
      const want = expected.get(p.name)!;
      if (p.effectiveReplicas !== want) out.push(`pool ${p.name}: effective replicas ${p.effectiveReplicas}, but its own ${p.replicas} plus the ratios give ${want}`);
    }
    return out;
  },
};
