/**
 * The plan review document: what `dcp plan --base` computes, printed as a table,
 * Markdown or JSON. The JSON form is published as schema/plan.schema.json; bump
 * PLAN_REVIEW_VERSION on any incompatible change to it.
 */
import { Money } from "../cost/prices";
import { BurstChange, BurstEstimate, BurstRates } from "../model/burst-time";
import { Profile } from "../model/profile";
import { SynthOutput } from "../model/synth-output";
import { PolicyResult } from "../policies/types";

export const PLAN_REVIEW_VERSION = 1;

/** One side of the comparison: what synth produced for a revision. */
export interface SynthSnapshot extends SynthOutput {
  /** As given: a git revision ("origin/main") or a directory. */
  source: string;
  /** The commit, when the source is a git revision. */
  revision?: string;
}

export type Presence = "added" | "removed" | "changed" | "unchanged";

export interface Delta {
  base: number;
  head: number;
  delta: number;
}

export interface CostDelta {
  base: Money;
  head: Money;
  delta: Money;
}

export interface PoolChange {
  pool: string;
  owner: string;
  change: Presence;
  containerType: { base?: string; head?: string };
  /** Replicas declared for the pool itself. */
  replicas: Delta;
  /** Declared plus those added by dependency ratios. */
  effectiveReplicas: Delta;
  /** Fields of the pool spec that differ, e.g. "image", "dependencies". */
  changedFields: string[];
  cost: CostDelta;
}

export interface FleetChange {
  fleet: string;
  idc: string;
  change: Presence;
  desiredHosts: Delta;
  hostsForPools: Delta;
  bufferHosts: Delta;
  instanceTypes: { base: string[]; head: string[] };
  chargeType: { base?: string; head?: string };
  cost: CostDelta;
}

export interface AttributeChange {
  /** Dotted path inside the resource, e.g. "instance_types.0" or "tags.owner". */
  path: string;
  before?: unknown;
  after?: unknown;
  /** Terraform will only know the value after apply. */
  unknown?: boolean;
}

export type ResourceAction = "create" | "update" | "delete" | "replace";

export interface ResourceChange {
  /** `resource_type.name` (Terraform's address inside its stack). */
  address: string;
  stack: string;
  action: ResourceAction;
  attributes: AttributeChange[];
}

export interface ResourceSection {
  /** "terraform": from `terraform plan`; "synth": from comparing both synthesized configurations. */
  source: "terraform" | "synth";
  counts: Record<ResourceAction, number>;
  items: ResourceChange[];
}

export interface RuntimeSection {
  status: "planned" | "skipped";
  /** Why it was skipped, or what it was planned against. */
  note: string;
  /** Number of changes per kind (create, publish-upstream, …). */
  changes: Record<string, number>;
  byPool: Array<{ pool: string; changes: Record<string, number> }>;
  unplaced: Array<{ pool: string; instance: string; reason: string }>;
  notes: string[];
}

export interface CostSection {
  currency: string;
  examplePrices: boolean;
  priceFile: string;
  total: CostDelta;
  byPool: Array<{ pool: string; owner: string } & CostDelta>;
  byFleet: Array<{ fleet: string; hosts: Delta } & CostDelta>;
  byOwner: Array<{ owner: string } & CostDelta>;
  notes: string[];
}

/** How long the scale-out takes until its new containers serve (model/burst-time.ts), and what that rests on. */
export interface BurstSection extends BurstEstimate {
  /** "about 3 min: hosts 1:48, bootstrap 0:30, …"; "none" without new hosts or containers. */
  summary: string;
  change: BurstChange;
  rates: BurstRates;
}

export interface PlanReview {
  version: typeof PLAN_REVIEW_VERSION;
  kind: "dcp-plan";
  generatedAt: string;
  profile: Profile;
  base: { source: string; revision?: string };
  head: { source: string; revision?: string };
  /** Anything differs: pools, fleets, Terraform resources or runtime changes. */
  changed: boolean;
  /** 0 no changes, 2 changes, 1 a policy error that was not overridden. */
  exitCode: 0 | 1 | 2;
  pools: PoolChange[];
  fleets: FleetChange[];
  resources: ResourceSection;
  runtime: RuntimeSection;
  cost: CostSection;
  burst: BurstSection;
  policies: PolicyResult[];
  notes: string[];
}
