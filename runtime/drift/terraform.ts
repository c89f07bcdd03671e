/**
 * Infrastructure drift: Terraform's (or OpenTofu's) own refresh-only plan over each
 * synthesized stack, folded into the drift report. dcp does not second-guess Terraform
 * about cloud resources; it only runs it and reports what it says.
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { join } from "node:path";
import { DcpError } from "../../cli/errors";
import { DriftFinding } from "./types";

/** `terraform` first, then `tofu`; undefined when neither is on PATH. */
export function findTerraform(path: string = process.env.PATH ?? ""): string | undefined {
  for (const name of ["terraform", "tofu"]) {
    for (const dir of path.split(":").filter(Boolean)) {
      const file = join(dir, name);
      try {
        accessSync(file, constants.X_OK);
        return file;
      } catch {
        // not in this dir
      }
    }
  }
  return undefined;
}

/**
 * What one `plan -refresh-only -detailed-exitcode` said: exit 0 no drift, 2 drift (a
 * finding quoting Terraform's own lines), anything else an error naming the stack.
 */
export function refreshOnlyResult(stack: string, dir: string, exitCode: number, output: string): DriftFinding[] {
  if (exitCode === 0) return [];
  if (exitCode !== 2) {
    const tail = output.trim().split("\n").slice(-5).join(" | ");
    throw new DcpError(`terraform plan -refresh-only failed for stack ${stack} in ${dir} (exit ${exitCode}): ${tail}`);
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
      explanation: `Terraform found changes made outside it; review \`plan -refresh-only\` in ${dir}, then apply or revert them.`,
      repair: "manual",
    },
  ];
}

/** Runs init + refresh-only plan in each stack dir (cdktf's layout: <outDir>/stacks/<name>). */
export function terraformDrift(binary: string, outDir: string, stacks: string[]): DriftFinding[] {
  const findings: DriftFinding[] = [];
  for (const stack of stacks) {
    const dir = join(outDir, "stacks", stack);
    const run = (args: string[]) => {
      const r = spawnSync(binary, args, { cwd: dir, encoding: "utf8", env: { ...process.env, TF_IN_AUTOMATION: "1" } });
      if (r.error) throw new DcpError(`${binary} ${args[0]} failed for stack ${stack}: ${r.error.message}`);
      return { code: r.status ?? 1, output: `${r.stdout}\n${r.stderr}` };
    };
    const init = run(["init", "-input=false", "-no-color"]);
    if (init.code !== 0) {
      throw new DcpError(`terraform init failed for stack ${stack} in ${dir} (exit ${init.code}): ${init.output.trim().split("\n").slice(-5).join(" | ")}`);
    }
    const plan = run(["plan", "-refresh-only", "-detailed-exitcode", "-input=false", "-no-color", "-lock=false"]);
    findings.push(...refreshOnlyResult(stack, dir, plan.code, plan.output));
  }
  return findings;
}
