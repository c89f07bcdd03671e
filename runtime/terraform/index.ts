/**
 * The one way dcp runs Terraform (or OpenTofu) over synthesized stacks. Each stack gets a
 * scratch directory with a copy of its cdk.tf.json; a local backend's state is pointed at
 * where `cdktf deploy` keeps it (`<project>/cdktf.out/stacks/<name>/`), so the project's
 * own cdktf.out is only read. Drift runs a refresh-only plan through it, the review a
 * plan and `show -json`; the local site's buffer refill a targeted apply. Commands run
 * as child processes awaited, so a long-running caller (the controller) keeps serving.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, isAbsolute, join, resolve } from "node:path";
import { DcpError } from "../../model/errors";
import { SynthesizedStack } from "../../model/synth-output";

/** `terraform` or `tofu`, whichever is on PATH first. */
export function findTerraform(): string | undefined {
  for (const name of ["terraform", "tofu"]) {
    for (const dir of (process.env.PATH ?? "").split(delimiter)) {
      if (dir && existsSync(join(dir, name))) return join(dir, name);
    }
  }
  return undefined;
}

/** What one Terraform command said: its exit code and its stdout and stderr together. */
export interface TerraformRun {
  code: number;
  output: string;
}

const TIMEOUT_MS = { init: 300_000, plan: 900_000, show: 300_000, apply: 900_000 };

/** One stack, ready for Terraform commands in its own scratch directory. */
export class StackWorkspace {
  /** The state file a local backend reads, when the stack has one. */
  readonly statePath?: string;

  constructor(
    readonly binary: string,
    readonly stack: SynthesizedStack,
    projectDir: string,
    readonly dir: string,
    /** Environment of every command (TF_VAR_<name> values among it). @default process.env */
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    const local = stack.terraform?.terraform?.backend?.local;
    this.statePath = local ? deployedStatePath(projectDir, stack.name, local.path) : undefined;
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(this.statePath ? withLocalState(stack.terraform, this.statePath) : stack.terraform, null, 2));
  }

  init(): Promise<TerraformRun> {
    return this.run(["init", "-input=false", "-no-color"], TIMEOUT_MS.init);
  }

  /** `plan` without locking the state (dcp only reads it) plus the given flags. */
  plan(...flags: string[]): Promise<TerraformRun> {
    return this.run(["plan", "-input=false", "-no-color", "-lock=false", ...flags], TIMEOUT_MS.plan);
  }

  /** `show -json` of a saved plan file. */
  async showJson(planFile: string): Promise<unknown> {
    const show = await this.run(["show", "-json", planFile], TIMEOUT_MS.show);
    if (show.code !== 0) throw new DcpError(`${this.binary} show failed for stack ${this.stack.name}: ${summary(show.output)}`);
    return JSON.parse(show.output);
  }

  /** `apply -auto-approve` of only these resource addresses (and what they depend on), taking the state lock. */
  applyTargets(targets: string[]): Promise<TerraformRun> {
    return this.run(["apply", "-input=false", "-no-color", "-auto-approve", ...targets.map((t) => `-target=${t}`)], TIMEOUT_MS.apply);
  }

  private run(args: string[], timeoutMs: number): Promise<TerraformRun> {
    return new Promise((resolvePromise, reject) => {
      const child = spawn(this.binary, args, { cwd: this.dir, env: { ...this.env, TF_IN_AUTOMATION: "1" }, stdio: ["ignore", "pipe", "pipe"] });
      // Our own timer (spawn's would outlive a binary that never started).
      const timer = setTimeout(() => child.kill("SIGTERM"), timeoutMs);
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on("data", (b: Buffer) => out.push(b));
      child.stderr.on("data", (b: Buffer) => err.push(b));
      child.on("error", (e) => {
        clearTimeout(timer);
        reject(new DcpError(`${this.binary} ${args[0]} failed for stack ${this.stack.name}: ${e.message}`));
      });
      child.on("close", (code, signal) => {
        clearTimeout(timer);
        const stdout = Buffer.concat(out).toString("utf8");
        const text = `${stdout}\n${Buffer.concat(err).toString("utf8")}${signal ? `\nkilled by ${signal} (time limit ${timeoutMs / 1000} s)` : ""}`;
        // show -json prints only the document on stdout; everything else is read as text.
        resolvePromise({ code: code ?? 1, output: args[0] === "show" && code === 0 ? stdout : text });
      });
    });
  }
}

/** Runs `use` with workspaces in one scratch directory, removed afterwards. */
export async function withStackWorkspaces<T>(binary: string, projectDir: string, use: (open: (stack: SynthesizedStack) => StackWorkspace) => Promise<T>, env?: NodeJS.ProcessEnv): Promise<T> {
  const root = mkdtempSync(join(tmpdir(), "dcp-terraform-"));
  try {
    return await use((stack) => new StackWorkspace(binary, stack, projectDir, join(root, stack.name), env));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** A relative local-backend path is relative to the stack directory `cdktf deploy` runs Terraform in. */
function deployedStatePath(projectDir: string, stack: string, path: unknown): string {
  const file = typeof path === "string" ? path : "terraform.tfstate";
  return isAbsolute(file) ? file : resolve(projectDir, "cdktf.out", "stacks", stack, file);
}

function withLocalState(terraform: any, statePath: string): any {
  const copy = JSON.parse(JSON.stringify(terraform));
  copy.terraform.backend.local.path = statePath;
  return copy;
}

/** Terraform's own "Error:" lines when it printed any, else its last lines; one line, for a message. */
export function summary(output: string, n = 3): string {
  const lines = output
    .split("\n")
    .map((l) => l.replace(/^[│╷╵\s]+/, "").trim())
    .filter(Boolean);
  const errors = lines.filter((l) => /^Error:/.test(l));
  return (errors.length > 0 ? errors.slice(0, n) : lines.slice(-n)).join(" / ") || "no output";
}
