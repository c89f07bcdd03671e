/**
 * `dcp plan`: what apply would change on the live fleet — placements, rolling updates,
 * replacements of lost hosts, upstream and catalog changes. Exit 0 no change, 2 changes,
 * 1 error (including containers that cannot be placed, with the scheduler's reason).
 */
import { Command } from "commander";
import Table from "cli-table3";
import { planFromLive, unplacedError } from "../../runtime";
import { AwaitConsumersChange, Change, RuntimePlan } from "../../runtime/plan/types";
import { EXIT } from "../../model/errors";
import { addRollOptions, addRuntimeOptions, loadDesired, runtimeOptions, RuntimeCliOptions } from "../runtime-input";
import { addPlanReviewOptions, PlanReviewCliOptions, runPlanReview } from "./plan-review";

/** No colours: the tables end up in logs and pull-request comments. */
export const PLAIN = { head: [] as string[], border: [] as string[] };

function detail(c: Change): string {
  switch (c.kind) {
    case "assign-host":
      return `pools ${c.previousPools.join(",") || "(buffer)"} → ${c.pools.join(",")}`;
    case "unassign-host":
      return `pools ${c.previousPools.join(",")} → ${c.pools.join(",") || "(buffer)"}`;
    case "create":
      return `${c.image} ${c.containerType} ports ${c.ports.map((p) => `${p.name}=${p.port}`).join(",") || "-"}`;
    case "publish-upstream":
      return `${c.upstream} ${c.server} weight ${c.weight}`;
    case "unpublish-upstream":
      return `${c.upstream} ${c.server}`;
    case "register":
      return `${c.containerName} ${c.address}:${c.port}`;
    case "wait-healthy":
      return c.healthCheck ? `GET ${c.healthCheck.address}:${c.healthCheck.port}${c.healthCheck.path}` : "running";
    case "drain":
      return c.serviceId;
    case "await-consumers":
      return awaitDetail(c);
    default:
      return c.containerName;
  }
}

/** A take-down's expected wait: until each consumer's status page drops the server, at most the bound. */
function awaitDetail(c: AwaitConsumersChange): string {
  const endpoints = c.upstreams.reduce((n, u) => n + u.status.length, 0);
  const until = endpoints > 0 ? `until ${endpoints} consumer status page(s) drop ${c.server}` : "for the consumers";
  return `waits ≤ ${c.seconds} s ${until}`;
}

/** Terminal rendering of a runtime plan: per-pool summary, changes, unplaced containers and notes. */
export function renderRuntimePlan(plan: RuntimePlan): string {
  const out: string[] = [];
  const bounds = plan.summary.some((s) => s.autoscale);
  const canaries = plan.summary.some((s) => s.canary);
  const head = ["pool", "desired", ...(bounds ? ["autoscale"] : []), "running", "healthy", "create", "remove", "replaced", ...(canaries ? ["canary"] : [])];
  const summary = new Table({ head, style: { ...PLAIN, compact: true } });
  for (const s of plan.summary) {
    // An autoscaled pool's desired count is the controller's, shown against the bounds it moves within.
    const autoscale = bounds ? [s.autoscale ? `[${s.autoscale.min}, ${s.autoscale.max}]` : "-"] : [];
    const canary = canaries ? [s.canary ? `${s.canary.instances.join(", ")} (${s.canary.waiting} wait for --promote)` : "-"] : [];
    summary.push([s.pool, s.desired, ...autoscale, s.running, s.healthy, s.toCreate, s.toRemove, s.replaced, ...canary]);
  }
  const inCanary = new Set(plan.summary.flatMap((s) => (s.canary ? s.canary.instances : [])));
  out.push(summary.toString());
  if (plan.changes.length > 0) {
    const changes = new Table({ head: ["wave", "change", "pool", "instance", "node", "detail", "reason"], style: { ...PLAIN, compact: true } });
    for (const c of plan.changes) {
      const instance = ("instance" in c && c.instance) || "";
      changes.push([c.wave, c.kind, ("pool" in c && c.pool) || "", inCanary.has(instance) ? `${instance} (canary)` : instance, c.node, detail(c), c.direction === "in-place" ? `${c.reason}, in place` : c.reason]);
    }
    out.push(changes.toString());
  }
  for (const u of plan.unplaced) out.push(`cannot place ${u.pool} ${u.instance}: ${u.reason}`);
  for (const n of plan.notes) out.push(`note: ${n}`);
  out.push(plan.changes.length === 0 ? "No changes: the fleet matches the desired state." : `${plan.changes.length} change(s).`);
  return out.join("\n");
}

export function register(program: Command): void {
  addRollOptions(addPlanReviewOptions(addRuntimeOptions(program.command("plan").description("show the runtime changes apply would make; exit 0 no change, 2 changes, 1 error")))).action(
    async (options: RuntimeCliOptions & Partial<PlanReviewCliOptions>) => {
      // --base: review a change between two revisions (plan-review.ts).
      if (options.base) {
        process.exitCode = await runPlanReview(options as RuntimeCliOptions & PlanReviewCliOptions, () => runtimeOptions(options));
        return;
      }
      const desired = await loadDesired(options);
      const { plan } = await planFromLive(desired, runtimeOptions(options));
      if (options.json) console.log(JSON.stringify({ version: 1, ...plan }, null, 2));
      else console.log(renderRuntimePlan(plan));
      if (plan.unplaced.length > 0) throw unplacedError(plan);
      process.exitCode = plan.changes.length > 0 ? EXIT.changes : EXIT.ok;
    },
  );
}
