/**
 * A policy is one small check over a plan. It returns the violations it found, each a
 * line a reviewer can act on; severity and overrides are applied by policies/index.ts.
 */
import { CostBreakdown } from "../cost/model";
import { Severity, SynthSnapshot } from "../review/types";

export interface PolicyInput {
  /** Absent when there is nothing to compare with (e.g. drift checks the head only). */
  base?: SynthSnapshot;
  head: SynthSnapshot;
  headCost: CostBreakdown;
}

export interface PolicyCheck<Config> {
  name: string;
  /** One line for `--help` and outputs. */
  description: string;
  check(input: PolicyInput, config: Config): string[];
}

/** Every policy's entry in policy.yaml has at least a severity. */
export interface PolicyConfigBase {
  severity: Severity;
}
