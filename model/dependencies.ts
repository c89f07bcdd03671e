/**
 * Dependency ratios, resolved without I/O. A pool that depends on another with ratio r
 * brings ceil(r × its effective replicas) containers of the other (DCP's dependency
 * templates): scaling feed-api by 10 with ratio 0.2 adds 2 feed-cache containers.
 */
import { DcpError } from "./errors";

/**
 * The most containers one pool may run, its own replicas and those dependency ratios bring
 * together: ten times DCP's whole burst (10,000 containers). Ratios chain multiplicatively,
 * and a mistyped ratio deep in a chain would otherwise ask sizing and the scheduler for
 * billions of containers.
 */
export const MAX_POOL_CONTAINERS = 100_000;

export interface DependencyNode {
  name: string;
  replicas: number;
  dependencies: Array<{ pool: string; ratio: number }>;
  /** Where the pool was declared, for error messages. */
  source?: string;
}

/**
 * Effective replicas per pool: own replicas plus, for every pool that depends on it,
 * ceil(ratio × that pool's effective replicas). Dependents are resolved before their
 * dependencies (topological order), so ratios chain (a → b → c).
 * Throws a DcpError naming the cycle ("a → b → a"), the unknown pool, or a pool that would
 * run more than MAX_POOL_CONTAINERS.
 */
export function resolveDependencies(pools: DependencyNode[]): Map<string, number> {
  const byName = new Map(pools.map((p) => [p.name, p]));
  for (const p of pools) {
    for (const d of p.dependencies) {
      if (!byName.has(d.pool)) {
        throw new DcpError(
          `${where(p)}pool "${p.name}" depends on "${d.pool}", which is not defined; define pool "${d.pool}" or remove the dependency`,
        );
      }
    }
  }
  const order = dependentsFirst(pools);
  const effective = new Map(pools.map((p) => [p.name, p.replicas]));
  // Dependents first: by the time a pool is reached, every pool that depends on it is final.
  for (const name of order) {
    const pool = byName.get(name)!;
    const own = effective.get(name)!;
    for (const d of pool.dependencies) {
      effective.set(d.pool, effective.get(d.pool)! + Math.ceil(d.ratio * own - 1e-9));
    }
  }
  for (const p of pools) checkContainerCount(p, effective.get(p.name)!);
  return effective;
}

function checkContainerCount(p: DependencyNode, containers: number): void {
  if (containers <= MAX_POOL_CONTAINERS) return;
  const brought = containers - p.replicas;
  const why = brought > 0 ? ` (${p.replicas} of its own, ${brought} brought by dependency ratios)` : "";
  throw new DcpError(
    `${where(p)}pool "${p.name}" would run ${containers} containers${why}, more than the ${MAX_POOL_CONTAINERS} dcp sizes and places for one pool; lower its replicas or the ratios of the pools that depend on it`,
  );
}

/** Pool names ordered so that every pool comes before the pools it depends on (call after the pools are known to exist). */
export function dependentsFirst(pools: DependencyNode[]): string[] {
  const byName = new Map(pools.map((p) => [p.name, p]));
  const state = new Map<string, "visiting" | "done">();
  const postorder: string[] = [];
  const stack: string[] = [];
  const visit = (name: string): void => {
    const s = state.get(name);
    if (s === "done") return;
    if (s === "visiting") {
      const cycle = [...stack.slice(stack.indexOf(name)), name];
      throw new DcpError(
        `dependency cycle: ${cycle.join(" → ")}; a pool cannot depend on itself through other pools, remove one of these dependencies`,
      );
    }
    state.set(name, "visiting");
    stack.push(name);
    for (const d of byName.get(name)!.dependencies) visit(d.pool);
    stack.pop();
    state.set(name, "done");
    postorder.push(name);
  };
  for (const p of pools) visit(p.name);
  // Post-order lists dependencies before dependents; reversed, dependents come first.
  return postorder.reverse();
}

function where(p: DependencyNode): string {
  return p.source ? `${p.source}: ` : "";
}
