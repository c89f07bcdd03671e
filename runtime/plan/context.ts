/**
 * What every phase of the planner reads: the desired pools by name, the pools in scope,
 * the hosts in a fixed order, and the options with their defaults filled in. Built once
 * per plan, never changed.
 */
import { DesiredState, IdcSpec, PoolSpec } from "../../model/desired-state";
import { DcpError } from "../../model/errors";
import { Inventory, InventoryContainer, InventoryHost } from "../../model/inventory";
import { PlanOptions } from "./types";

export interface PlanSettings {
  seed?: number;
  prune: boolean;
  /** Containers to replace in place (PlanOptions.replace). */
  replace: Set<string>;
  /** Canaries roll through (PlanOptions.promote). */
  promote: boolean;
  /** Entries follow failing checks (PlanOptions.followChecks). */
  followChecks: boolean;
}

export interface PlanContext {
  inventory: Inventory;
  pools: Map<string, PoolSpec>;
  /** Pools planned, in the desired state's order (or the order asked for). */
  scope: string[];
  inScope: Set<string>;
  /** Every host, by node name: the order of every list the plan makes. */
  hosts: InventoryHost[];
  hostsByNode: Map<string, InventoryHost>;
  idcs: Map<string, IdcSpec>;
  /**
   * Hosts that are leaving: the desired state lists its fleet's hosts (the ones Terraform
   * keeps, local profile) and not this one. Nothing new goes there; what runs there moves.
   */
  leaving: Set<string>;
  settings: PlanSettings;
}

/** A live container and the host it runs on. */
export interface Located {
  host: InventoryHost;
  container: InventoryContainer;
}

export function planContext(desired: DesiredState, inventory: Inventory, options: PlanOptions): PlanContext {
  const pools = new Map(desired.pools.map((p) => [p.name, p]));
  const scope = options.pools ?? desired.pools.map((p) => p.name);
  for (const name of scope) {
    if (!pools.has(name)) throw new DcpError(`unknown pool "${name}"; desired pools: ${[...pools.keys()].sort().join(", ") || "(none)"}`);
  }
  const hosts = [...inventory.hosts].sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
  return {
    inventory,
    pools,
    scope,
    inScope: new Set(scope),
    hosts,
    hostsByNode: new Map(hosts.map((h) => [h.node, h])),
    idcs: new Map(desired.idcs.map((i) => [i.name, i])),
    leaving: leavingHosts(desired, hosts),
    settings: {
      seed: options.seed,
      prune: options.prune === true,
      replace: new Set(options.replace ?? []),
      promote: options.promote === true,
      followChecks: options.followChecks === true,
    },
  };
}

function leavingHosts(desired: DesiredState, hosts: InventoryHost[]): Set<string> {
  const kept = new Map(desired.fleets.filter((f) => f.hosts).map((f) => [f.name, new Set(f.hosts)]));
  return new Set(hosts.filter((h) => kept.has(h.fleet) && !kept.get(h.fleet)!.has(h.node)).map((h) => h.node));
}

/** A host the plan can place on and change: Consul reports it healthy and its daemon answered. */
export function usable(host: InventoryHost): boolean {
  return host.healthy && host.containers !== null;
}

/** Containers (and services) of this pool are the plan's to change: it is in scope, or pruned. */
export function manages(ctx: PlanContext, pool: string): boolean {
  return ctx.inScope.has(pool) || (ctx.settings.prune && !ctx.pools.has(pool));
}

/** `pool/instance`: the key of one instance across phases. */
export function instanceKey(pool: string, instance: string): string {
  return `${pool}/${instance}`;
}

