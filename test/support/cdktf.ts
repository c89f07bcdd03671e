/**
 * Running cdktf as a cdktf user does, for the deploy fleet tests and the deploy benchmark:
 * a project that is this checkout with a stacks/ of its own (so a pool file can be edited
 * without touching the checkout), `npx cdktf <command>` in it, and the order and times of
 * Terraform's resource events in its output.
 */
import { ChildProcess, spawn } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DesiredState } from "../../model/desired-state";

const REPO = join(__dirname, "..", "..");

/**
 * This checkout with a stacks/ of its own: stacks/ and main.ts are copies (main.ts takes
 * the project directory from where it is), every other top-level entry is a symlink (the
 * code, node_modules, bin/). `edit` changes the copy, e.g. smaller buffers.
 */
export function makeProject(edit: (stacksDir: string) => void): string {
  const root = mkdtempSync(join(tmpdir(), "dcp-deploy-"));
  const copies = ["stacks", "main.ts"];
  for (const entry of readdirSync(REPO)) {
    if ([".git", "cdktf.out", ...copies].includes(entry)) continue;
    symlinkSync(join(REPO, entry), join(root, entry));
  }
  for (const entry of copies) cpSync(join(REPO, entry), join(root, entry), { recursive: true });
  edit(join(root, "stacks"));
  return root;
}

export function replaceInFile(file: string, from: RegExp, to: string): void {
  const text = readFileSync(file, "utf8");
  if (!from.test(text)) throw new Error(`${file}: ${from} not found`);
  writeFileSync(file, text.replace(from, to));
}

export interface CdktfRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** stdout and stderr, without colours and cursor movement. */
  output: string;
}

export interface CdktfProcess {
  child: ChildProcess;
  output(): string;
  /** Each line of output (without colours) with when it arrived (ms since the epoch). */
  lines(): Array<{ at: number; text: string }>;
  done: Promise<CdktfRun>;
  /** SIGKILL to the whole process group: cdktf, Terraform and the commands it runs. */
  kill(): void;
}

const ANSI = /\u001b\[[0-9;?]*[A-Za-z]|\u001b\][^\u0007]*\u0007/g;

/** `npx cdktf <args>` in the project, in a process group of its own, with DCP_PROFILE=local and the site. */
export function cdktf(project: string, site: string, args: string[]): CdktfProcess {
  const env = { ...process.env, DCP_PROFILE: "local", DCP_SITE: site, CHECKPOINT_DISABLE: "1", CI: "1" };
  const child = spawn("npx", ["cdktf", ...args], { cwd: project, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let text = "";
  const lines: Array<{ at: number; text: string }> = [];
  let partial = "";
  const take = (d: Buffer) => {
    text += d;
    const parts = (partial + d.toString()).split("\n");
    partial = parts.pop()!;
    const at = Date.now();
    for (const line of parts) lines.push({ at, text: line.replace(ANSI, "") });
  };
  child.stdout!.on("data", take);
  child.stderr!.on("data", take);
  const clean = () => text.replace(ANSI, "");
  const done = new Promise<CdktfRun>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal, output: clean() })));
  return {
    child,
    output: clean,
    lines: () => lines,
    done,
    kill: () => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    },
  };
}

/** Runs cdktf to the end; fails the test with its output when it does not exit 0. */
export async function cdktfOk(project: string, site: string, args: string[]): Promise<string> {
  const run = await cdktf(project, site, args).done;
  if (run.code !== 0) throw new Error(`cdktf ${args.join(" ")} exited ${run.code ?? run.signal}:\n${run.output.slice(-6000)}`);
  return run.output;
}

/**
 * Terraform's resource events in the order it printed them, e.g.
 * `create-start host["dcpt-h1"]`, `create-done runtime`, `destroy-start host["dcpt-h5"]`.
 */
export function terraformEvents(output: string): string[] {
  const events: string[] = [];
  const re = /terraform_data\.([a-z]+(?:\["[^"]+"\])?)(?: \(deposed object \w+\))?: (Creating\.\.\.|Creation complete|Destroying\.\.\.|Destruction complete)/g;
  const kinds: Record<string, string> = {
    "Creating...": "create-start",
    "Creation complete": "create-done",
    "Destroying...": "destroy-start",
    "Destruction complete": "destroy-done",
  };
  for (let m = re.exec(output); m; m = re.exec(output)) events.push(`${kinds[m[2]]} ${m[1]}`);
  return events;
}

/** Index of the first event matching, or -1. */
export function firstIndex(events: string[], pattern: RegExp): number {
  return events.findIndex((e) => pattern.test(e));
}

export function lastIndex(events: string[], pattern: RegExp): number {
  for (let i = events.length - 1; i >= 0; i--) if (pattern.test(events[i])) return i;
  return -1;
}

/** The desired state the last synth wrote next to the stack's Terraform. */
export function deployedDesired(project: string): DesiredState {
  return JSON.parse(readFileSync(join(project, "cdktf.out", "stacks", "example", "desired.json"), "utf8"));
}

export function removeProject(project: string): void {
  rmSync(project, { recursive: true, force: true });
}
