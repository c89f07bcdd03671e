/**
 * `dcp plan --base`: compares two revisions (replicas → hosts → resources → cost),
 * folds in Terraform's own plan and the runtime plan when they are available, and runs
 * the policies. buildPlanReview is pure; reviewPlan does the I/O around it.
 */
import { atAutoscaleMax, maxNote } from "../constructs/autoscale-max";
import { costOfDesired } from "../cost/model";
import { PriceTable } from "../cost/prices";
import { blocking, evaluatePolicies, PolicyConfig } from "../policies";
import { burstChangeOf, burstRatesOf, describeBurst, estimateBurst } from "../model/burst-time";
import { RuntimePlan } from "../runtime/plan/types";
import { comparePools, compareFleets, compareResources, costSection } from "./compare";
import { loadSnapshot } from "./snapshot";
import { terraformPlan } from "./terraform-plan";
import { BurstSection, PLAN_REVIEW_VERSION, PlanReview, ResourceSection, RuntimeSection, SynthSnapshot } from "./types";
import { Profile } from "../model/profile";
import { LocalSiteTarget } from "../local-site";

export interface ReviewInputs {
  base: SynthSnapshot;
  head: SynthSnapshot;
  profile: Profile;
  prices: PriceTable;
  priceFile: string;
  policies: PolicyConfig;
  /** policy name → recorded reason */
  overrides: Map<string, string>;
  /** From `terraform plan`; default: the synth comparison. */
  resources?: ResourceSection;
  runtime: RuntimeSection;
  notes?: string[];
  /** For reproducible output in tests. */
  now?: Date;
}

export function buildPlanReview(inputs: ReviewInputs): PlanReview {
  const { base, head } = inputs;
  const baseCost = costOfDesired(base.desired, inputs.prices);
  const headCost = costOfDesired(head.desired, inputs.prices);
  const pools = comparePools(base, head, baseCost, headCost);
  const fleets = compareFleets(base, head, baseCost, headCost);
  const resources = inputs.resources ?? compareResources(base, head);
  // Policies judge the bounds: autoscaled pools at max, fleets sized for it.
  const atMax = (s: SynthSnapshot): SynthSnapshot => ({ ...s, desired: atAutoscaleMax(s.desired) });
  const headAtMax = atMax(head);
  const burst = burstSection(base, head, inputs.policies, inputs.profile);
  const policies = evaluatePolicies({ base: atMax(base), head: headAtMax, headCost: costOfDesired(headAtMax.desired, inputs.prices), burst }, inputs.policies, inputs.overrides);
  const note = maxNote(head.desired);
  const changed =
    pools.some((p) => p.change !== "unchanged") ||
    fleets.some((f) => f.change !== "unchanged") ||
    resources.items.length > 0 ||
    Object.values(inputs.runtime.changes).some((n) => n > 0);
  return {
    version: PLAN_REVIEW_VERSION,
    kind: "dcp-plan",
    generatedAt: (inputs.now ?? new Date()).toISOString(),
    profile: inputs.profile,
    base: side(base),
    head: side(head),
    changed,
    exitCode: blocking(policies).length > 0 ? 1 : changed ? 2 : 0,
    pools,
    fleets,
    resources,
    runtime: inputs.runtime,
    cost: costSection(baseCost, headCost, inputs.priceFile, pools, fleets),
    burst,
    policies,
    notes: [...(inputs.notes ?? []), ...(note ? [note] : [])],
  };
}

/** The change as declared (what this apply does), with the policy file's burst assumptions over the profile's. */
function burstSection(base: SynthSnapshot, head: SynthSnapshot, config: PolicyConfig, profile: Profile): BurstSection {
  const rates = { ...burstRatesOf(profile), ...config.burst };
  const change = burstChangeOf(base.desired, head.desired, profile);
  const estimate = estimateBurst(change, rates);
  return { ...estimate, summary: estimate.phases.length ? describeBurst(estimate) : "none", change, rates };
}

function side(s: SynthSnapshot): PlanReview["base"] {
  return s.revision ? { source: s.source, revision: s.revision } : { source: s.source };
}

/** The runtime plan reduced to what a reviewer reads: counts per change kind, per pool. */
export function runtimeSection(plan: RuntimePlan, note: string): RuntimeSection {
  const changes: Record<string, number> = {};
  const byPool = new Map<string, Record<string, number>>();
  for (const c of plan.changes) {
    changes[c.kind] = (changes[c.kind] ?? 0) + 1;
    // Host assignments belong to no single pool.
    const pool = "pool" in c && c.pool ? c.pool : "(hosts)";
    const m = byPool.get(pool) ?? {};
    m[c.kind] = (m[c.kind] ?? 0) + 1;
    byPool.set(pool, m);
  }
  return {
    status: "planned",
    note,
    changes,
    byPool: [...byPool].sort(([a], [b]) => a.localeCompare(b)).map(([pool, changes]) => ({ pool, changes })),
    unplaced: plan.unplaced.map((u) => ({ pool: u.pool, instance: u.instance, reason: u.reason })),
    notes: plan.notes,
  };
}

export function skippedRuntime(note: string): RuntimeSection {
  return { status: "skipped", note, changes: {}, byPool: [], unplaced: [], notes: [] };
}

export interface ReviewOptions extends Omit<ReviewInputs, "base" | "head" | "resources" | "runtime" | "notes"> {
  baseSource: string;
  headSource: string;
  repoRoot: string;
  /** Try `terraform plan` (when a binary is on PATH). */
  terraform: boolean;
  /** Plans the runtime part against the live inventory, or says why it cannot. */
  runtime: (head: SynthSnapshot) => Promise<RuntimeSection>;
  /** Local profile: the site both revisions are synthesized for (so Terraform's plan compares with that site's state). */
  localSite?: LocalSiteTarget;
}

export async function reviewPlan(options: ReviewOptions): Promise<PlanReview> {
  const snapshotOptions = { repoRoot: options.repoRoot, gitDir: options.headSource, profile: options.profile, localSite: options.localSite };
  const [base, head] = await Promise.all([loadSnapshot(options.baseSource, snapshotOptions), loadSnapshot(options.headSource, snapshotOptions)]);
  const notes: string[] = [];
  let resources: ResourceSection | undefined;
  if (options.terraform) {
    const tf = await terraformPlan(head, options.headSource);
    if ("skipped" in tf) notes.push(tf.skipped);
    else resources = tf.section;
  } else {
    notes.push("terraform plan not run (--no-terraform); resource changes come from comparing the synthesized configurations");
  }
  const runtime = await options.runtime(head);
  return buildPlanReview({ ...options, base, head, resources, runtime, notes });
}
