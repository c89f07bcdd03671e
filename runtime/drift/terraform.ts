/**
 * Infrastructure drift: Terraform's (or OpenTofu's) own refresh-only plan over each
 * synthesized stack, folded into the drift report. dcp does not second-guess Terraform
 * about cloud resources; it only runs it and reports what it says.
 */
import { resolve } from "node:path";
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

export interface TerraformDriftOptions {
  /** `-var-file`s passed to every plan, as `cdktf deploy` was given them. @default none */
  varFiles?: string[];
  /** Where TF_VAR_<name> values come from. @default process.env */
  env?: NodeJS.ProcessEnv;
}

/**
 * Variables of a stack that have no default and no TF_VAR_<name> value: without a var
 * file, a plan would stop asking for them. Refresh-only plans need the same inputs as the
 * apply that made the state.
 */
export function missingVariables(terraform: any, options: TerraformDriftOptions = {}): string[] {
  if ((options.varFiles ?? []).length > 0) return [];
  const env = options.env ?? process.env;
  return Object.entries<{ default?: unknown }>(terraform?.variable ?? {})
    .filter(([name, v]) => v.default === undefined && env[`TF_VAR_${name}`] === undefined)
    .map(([name]) => name);
}

/**
 * Runs init + refresh-only plan for each stack (runtime/terraform: a scratch copy, the
 * state where `cdktf deploy` keeps it). A stack whose providers cannot be installed here
 * is not checked, and a note says why.
 */
export async function terraformDrift(binary: string, projectDir: string, stacks: SynthesizedStack[], options: TerraformDriftOptions = {}): Promise<TerraformDrift> {
  const findings: DriftFinding[] = [];
  const notes: string[] = [];
  const varFiles = (options.varFiles ?? []).map((f) => resolve(projectDir, f));
  await withStackWorkspaces(binary, projectDir, async (open) => {
    for (const stack of stacks) {
      const missing = missingVariables(stack.terraform, options);
      if (missing.length > 0) {
        notes.push(`Terraform not checked for stack ${stack.name}: variables ${missing.join(", ")} have no value; export TF_VAR_<name> as for cdktf deploy, or pass --var-file.`);
        continue;
      }
      const workspace = open(stack);
      const init = await workspace.init();
      if (init.code !== 0) {
        notes.push(`Terraform not checked for stack ${stack.name}: ${binary} init failed (${summary(init.output)}).`);
        continue;
      }
      const plan = await workspace.plan("-refresh-only", "-detailed-exitcode", ...varFiles.map((f) => `-var-file=${f}`));
      findings.push(...refreshOnlyResult(stack.name, plan.code, plan.output));
      notes.push(`Terraform: ${binary} plan -refresh-only for stack ${stack.name}${workspace.statePath ? ` (state ${workspace.statePath})` : ""}.`);
    }
  }, options.env);
  return { findings, notes };
}
