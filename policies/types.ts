/**
 * A policy is one small check over a plan. It returns the violations it found, each a
 * line a reviewer can act on; severity and overrides are applied by policies/index.ts.
 * What a policy reads is defined here or below: a review builds it, policies never import
 * the review.
 */
import { CostBreakdown } from "../cost/model";
import { BurstEstimate } from "../model/burst-time";
import { SynthOutput } from "../model/synth-output";

export interface PolicyInput {
  /** Absent when there is nothing to compare with (e.g. drift checks the head only). */
  base?: SynthOutput;
  head: SynthOutput;
  headCost: CostBreakdown;
  /** How long the change from base to head takes until its new containers serve; absent when nothing was compared. */
  burst?: BurstEstimate;
}

export interface PolicyCheck<Config> {
  name: string;
  /** One line for `--help` and outputs. */
  description: string;
  check(input: PolicyInput, config: Config): string[];
}

export type Severity = "error" | "warning";

/** Every policy's entry in policy.yaml has at least a severity. */
export interface PolicyConfigBase {
  severity: Severity;
}

/** What one policy found, with its severity and override applied (schema/plan.schema.json, `policies`). */
export interface PolicyResult {
  policy: string;
  severity: Severity;
  /** pass; warn (a warning fired); fail (an error fired, blocks); overridden (an error fired, allowed with a reason). */
  status: "pass" | "warn" | "fail" | "overridden";
  violations: string[];
  override?: { reason: string };
}
