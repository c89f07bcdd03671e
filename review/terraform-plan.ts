/**
 * Folding a real `terraform plan` into the review. Terraform's machine-readable plan
 * (`terraform show -json <planfile>`, format_version 1.x) lists resource_changes[] with
 * change.actions; that is the authority on create/update/replace/delete, where the synth
 * comparison can only guess (it cannot know which attributes force replacement).
 */
import { DcpError } from "../model/errors";
import { findTerraform, summary, withStackWorkspaces } from "../runtime/terraform";
import { countActions } from "./compare";
import { deepDiff } from "./deep-diff";
import { ResourceAction, ResourceChange, ResourceSection, SynthSnapshot } from "./types";

/** Terraform's JSON plan, only the parts dcp reads. */
export interface TerraformJsonPlan {
  format_version: string;
  resource_changes?: Array<{
    address: string;
    mode?: "managed" | "data";
    type: string;
    name: string;
    change: { actions: string[]; before?: unknown; after?: unknown; after_unknown?: unknown };
  }>;
}

/** Maps Terraform's action lists to one action; no-op and read are not changes. */
export function actionOf(actions: string[]): ResourceAction | undefined {
  const key = actions.join(",");
  switch (key) {
    case "create": return "create";
    case "update": return "update";
    case "delete": return "delete";
    case "delete,create":
    case "create,delete": return "replace";
    case "no-op":
    case "read":
    case "forget": return undefined;
    default: throw new DcpError(`terraform plan: unknown action list [${key}]`);
  }
}

export function parseTerraformPlan(plan: TerraformJsonPlan, stack: string): ResourceChange[] {
  if (typeof plan?.format_version !== "string" || !plan.format_version.startsWith("1.")) {
    throw new DcpError(`terraform plan of stack ${stack}: unsupported JSON format_version ${JSON.stringify(plan?.format_version)} (dcp reads 1.x)`);
  }
  const out: ResourceChange[] = [];
  for (const rc of plan.resource_changes ?? []) {
    if (rc.mode === "data") continue;
    const action = actionOf(rc.change.actions);
    if (!action) continue;
    const attributes = action === "update" || action === "replace"
      ? deepDiff(rc.change.before, rc.change.after).map((a) => (isUnknown(rc.change.after_unknown, a.path) ? { ...a, after: undefined, unknown: true } : a))
      : [];
    // Attributes only known after apply appear in after_unknown and are absent from after.
    for (const path of unknownPaths(rc.change.after_unknown)) {
      if (action !== "create" && !attributes.some((a) => a.path === path)) attributes.push({ path, unknown: true });
    }
    out.push({ address: rc.address, stack, action, attributes: attributes.map(stripUndefined) });
  }
  return out;
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function unknownPaths(u: unknown, path = ""): string[] {
  if (u === true) return [path];
  if (typeof u !== "object" || u === null) return [];
  return Object.entries(u).flatMap(([k, v]) => unknownPaths(v, path ? `${path}.${k}` : k));
}

function isUnknown(u: unknown, path: string): boolean {
  let cur: unknown = u;
  for (const seg of path.split(".")) {
    if (cur === true) return true;
    if (typeof cur !== "object" || cur === null) return false;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur === true;
}

/**
 * Runs init + plan + show -json for every stack of the head snapshot (runtime/terraform:
 * a scratch copy, the state where `cdktf deploy` keeps it, so the plan compares with the
 * real state). Returns a reason instead when Terraform cannot plan here (no binary,
 * providers not installable): the review then falls back to the synth comparison and
 * says so.
 */
export async function terraformPlan(head: SynthSnapshot, projectDir: string): Promise<{ section: ResourceSection } | { skipped: string }> {
  const bin = findTerraform();
  if (!bin) return { skipped: "neither terraform nor tofu is on PATH; resource changes come from comparing the synthesized configurations" };
  return withStackWorkspaces(bin, projectDir, async (open) => {
    const items: ResourceChange[] = [];
    for (const stack of head.stacks) {
      const workspace = open(stack);
      const init = await workspace.init();
      if (init.code !== 0) {
        return { skipped: `${bin} init failed for stack ${stack.name} (${summary(init.output)}); resource changes come from comparing the synthesized configurations` };
      }
      const plan = await workspace.plan("-out=dcp.tfplan");
      if (plan.code !== 0) throw new DcpError(`${bin} plan failed for stack ${stack.name}:\n${summary(plan.output, 20)}`);
      items.push(...parseTerraformPlan((await workspace.showJson("dcp.tfplan")) as TerraformJsonPlan, stack.name));
    }
    return { section: { source: "terraform" as const, counts: countActions(items), items } };
  });
}
