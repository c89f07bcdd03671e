/**
 * Infrastructure drift: Terraform's (or OpenTofu's) own refresh-only plan over each
 * synthesized stack, folded into the drift report. dcp does not second-guess Terraform
 * about cloud resources; it only runs it and reports what it says.
 */
import { DcpError } from "../../model/errors";
import { SynthesizedStack } from "../../model/synth-output";
import { summary, withStackWorkspaces } from "../terraform";
import { DriftFinding } from "./types";

/**
 * What one `plan -refresh-only -detailed-exitcode` said: exit 0 no drift, 2 drift (a
 * finding quoting Terraform's own lines), anything else an error naming the stack.
 */
export function refreshOnlyResult(stack: string, exitCode: number, output: string): DriftFinding[] {
  if (exitCode === 0) return [];
  if (exitCode !== 2) {
    throw new DcpError(`terraform plan -refresh-only failed for stack ${stack} (exit ${exitCode}): ${summary(output)}`);
  }
  const changed = output
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => /^# .+ (has changed|has been deleted|has been changed)/.test(l))
    .map((l) => l.slice(2));
  return [
    {
      kind: "infrastructure",
      object: `stack ${stack}`,
      expected: "resources as last applied",
      actual: changed.length > 0 ? changed.slice(0, 5).join("; ") + (changed.length > 5 ? ` and ${changed.length - 5} more` : "") : "changed outside Terraform",
      explanation: `Terraform found changes made outside it; review \`plan -refresh-only\` for stack ${stack}, then apply or revert them.`,
      repair: "manual",
    },
  ];
}

export interface TerraformDrift {
  findings: DriftFinding[];
  notes: string[];
}

/**
 * Runs init + refresh-only plan for each stack (runtime/terraform: a scratch copy, the
 * state where `cdktf deploy` keeps it). A stack whose providers cannot be installed here
 * is not checked, and a note says why.
 */
export function terraformDrift(binary: string, projectDir: string, stacks: SynthesizedStack[]): TerraformDrift {
  const findings: DriftFinding[] = [];
  const notes: string[] = [];
  withStackWorkspaces(binary, projectDir, (open) => {
    for (const stack of stacks) {
      const workspace = open(stack);
      const init = workspace.init();
      if (init.code !== 0) {
        notes.push(`Terraform not checked for stack ${stack.name}: ${binary} init failed (${summary(init.output)}).`);
        continue;
      }
      const plan = workspace.plan("-refresh-only", "-detailed-exitcode");
      findings.push(...refreshOnlyResult(stack.name, plan.code, plan.output));
      notes.push(`Terraform: ${binary} plan -refresh-only for stack ${stack.name}${workspace.statePath ? ` (state ${workspace.statePath})` : ""}.`);
    }
  });
  return { findings, notes };
}
