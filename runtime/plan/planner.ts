/**
 * The planner: a pure function of the desired state and the live inventory. It decides
 * scale-out/in, replacement of containers whose host is lost, rolling updates by spec
 * hash within each pool's disruption budget, repairs after a crash, and the
 * upstream/catalog changes that go with them, each take-down waiting for the consumers.
 * No I/O: the same inputs and seed give the same plan.
 *
 * It runs in named phases, each its own module:
 *   1. instance diff (instances.ts): per wanted instance, create, keep, remove or roll;
 *   2. placement (placement.ts): the scheduler places what is created, rolls wave by wave
 *      within maxSurge/maxUnavailable (rollout.ts); dynamic ports;
 *   3. change chains: host assignments (host-chains.ts), up chains (up-chains.ts),
 *      take-downs (take-down.ts) in down chains, stale entries (down-chains.ts);
 *   4. ordering (order.ts): by wave, then host → up → down.
 */
import { DesiredState } from "../../model/desired-state";
import { Inventory } from "../../model/inventory";
import { planContext } from "./context";
import { downChains, staleServices, staleUpstreams } from "./down-chains";
import { assignHosts, releaseHosts } from "./host-chains";
import { diffInstances } from "./instances";
import { orderChanges } from "./order";
import { placeContainers } from "./placement";
import { summarize } from "./summary";
import { PlanOptions, RuntimePlan } from "./types";
import { upChains } from "./up-chains";

export function planChanges(desired: DesiredState, inventory: Inventory, options: PlanOptions = {}): RuntimePlan {
  const ctx = planContext(desired, inventory, options);
  const diff = diffInstances(ctx);
  const placement = placeContainers(ctx, diff);
  const assigns = assignHosts(ctx, diff, placement);
  const ups = upChains(ctx, diff, placement);
  const downs = downChains(ctx, placement.removals);
  // Clean-up and the return of hosts come after the last wave that creates or removes.
  const lastWave = Math.max(1, ...placement.creates.map((n) => n.wave), ...placement.removals.map((r) => r.wave), ...placement.inPlace.map((p) => p.wave));
  const stale = [...staleUpstreams(ctx, ups.wantedServers, downs.handledServers, lastWave), ...staleServices(ctx, placement.removals, lastWave)];
  const releases = releaseHosts(ctx, placement, assigns, lastWave + 1);
  const changes = orderChanges([...assigns, ...ups.changes, ...downs.changes, ...stale, ...releases]);
  const notes = [...diff.notes, ...placement.notes];
  return { changes, summary: summarize(ctx, diff, changes, placement.unplaced), unplaced: placement.unplaced, notes };
}
