/**
 * Infrastructure drift: Terraform's (or OpenTofu's) own refresh-only plan over each
 * synthesized stack, folded into the drift report. dcp does not second-guess Terraform
 * about cloud resources; it only runs it and reports what it says.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { DcpError } from "../../model/errors";
import { DriftFinding } from "./types";

/**
 * What one `plan -refresh-only -detailed-exitcode` said: exit 0 no drift, 2 drift (a
 * finding quoting Terraform's own lines), anything else an error naming the stack.
 */
export function refreshOnlyResult(stack: string, exitCode: number, output: string): DriftFinding[] {
  if (exitCode === 0) return [];
  if (exitCode !== 2) {
    throw new DcpError(`terraform plan -refresh-only failed for stack ${stack} (exit ${exitCode}): ${lastLines(output)}`);
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
 * Runs init + refresh-only plan for each stack in a scratch dir, with the local backend's
 * state where `cdktf deploy` keeps it (`<projectDir>/cdktf.out/stacks/<name>/`), so the
 * project's own cdktf.out is only read. A stack whose providers cannot be installed here
 * is not checked, and a note says why.
 */
export function terraformDrift(binary: string, projectDir: string, stacks: Array<{ name: string; terraform: any }>, options: TerraformDriftOptions = {}): TerraformDrift {
  const findings: DriftFinding[] = [];
  const notes: string[] = [];
  const varFiles = (options.varFiles ?? []).map((f) => resolve(projectDir, f));
  const work = mkdtempSync(join(tmpdir(), "dcp-drift-tf-"));
  try {
    for (const stack of stacks) {
      const missing = missingVariables(stack.terraform, options);
      if (missing.length > 0) {
        notes.push(`Terraform not checked for stack ${stack.name}: variables ${missing.join(", ")} have no value; export TF_VAR_<name> as for cdktf deploy, or pass --var-file.`);
        continue;
      }
      const dir = join(work, stack.name);
      mkdirSync(dir);
      writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(stack.terraform));
      const run = (args: string[]) => {
        const r = spawnSync(binary, args, { cwd: dir, encoding: "utf8", timeout: 900_000, env: { ...(options.env ?? process.env), TF_IN_AUTOMATION: "1" } });
        if (r.error) throw new DcpError(`${binary} ${args[0]} failed for stack ${stack.name}: ${r.error.message}`);
        return { code: r.status ?? 1, output: `${r.stdout}\n${r.stderr}` };
      };
      const local = stack.terraform?.terraform?.backend?.local;
      const statePath = local ? stateFile(projectDir, stack.name, local.path) : undefined;
      const init = run(["init", "-input=false", "-no-color", ...(statePath ? [`-backend-config=path=${statePath}`] : [])]);
      if (init.code !== 0) {
        notes.push(`Terraform not checked for stack ${stack.name}: ${binary} init failed (${lastLines(init.output)}).`);
        continue;
      }
      const plan = run(["plan", "-refresh-only", "-detailed-exitcode", "-input=false", "-no-color", "-lock=false", ...varFiles.map((f) => `-var-file=${f}`)]);
      findings.push(...refreshOnlyResult(stack.name, plan.code, plan.output));
      notes.push(`Terraform: ${binary} plan -refresh-only for stack ${stack.name}${statePath ? ` (state ${statePath})` : ""}.`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return { findings, notes };
}

/** A relative local-backend path is relative to the stack dir `cdktf deploy` runs Terraform in. */
function stateFile(projectDir: string, stack: string, path: unknown): string {
  const file = typeof path === "string" ? path : "terraform.tfstate";
  return isAbsolute(file) ? file : resolve(projectDir, "cdktf.out", "stacks", stack, file);
}

/** Terraform's own "Error:" lines when it printed any, else its last lines. */
function lastLines(text: string, n = 3): string {
  const lines = text
    .split("\n")
    .map((l) => l.replace(/^[│╷╵\s]+/, "").trim())
    .filter(Boolean);
  const errors = lines.filter((l) => /^Error:/.test(l));
  return (errors.length > 0 ? errors.slice(0, n) : lines.slice(-n)).join(" / ") || "no output";
}
