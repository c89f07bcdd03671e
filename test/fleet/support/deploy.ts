/**
 * Helpers of the deploy fleet tests: a project that is this checkout with a stacks/ of
 * its own (so a test edits pool files without touching the checkout), `cdktf` run as a
 * cdktf user runs it, the order of Terraform's events in its output, and the live state
 * of the site read back from Consul and the daemons.
 */
import { ChildProcess, spawn } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readSite, SiteUpOptions } from "../../../local-site";
import { DesiredState } from "../../../model/desired-state";
import { planFromLive } from "../../../runtime";
import { ConsulClient, consulConfigFromEnv } from "../../../runtime/consul/client";
import { Inventory } from "../../../model/inventory";
import { RuntimePlan } from "../../../runtime/plan/types";
import { testSiteOptions } from "../site";

const REPO = join(__dirname, "..", "..", "..");

/**
 * The site deploy tests build from nothing: the test site's name with "d", its subnet's
 * third number plus 100, its Consul port plus 1 (dcptest → dcptestd, 192.168.179.0/24, 8511).
 */
export function deploySiteOptions(): SiteUpOptions {
  const test = testSiteOptions();
  const name = `${test.name}d`;
  const subnet = test.subnet ?? "192.168.79.0/24";
  const http = (test.consulHttpPort ?? 8510) + 1;
  const [a, b, c] = subnet.split(".").map(Number);
  if (c + 100 > 255) throw new Error(`deploy tests derive their subnet from ${subnet} (+100 in the third number); pick a test subnet below x.y.156.0`);
  return { name, subnet: `${a}.${b}.${c + 100}.0/24`, consulHttpPort: http, consulDnsPort: http + 100, hosts: 0 };
}

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
  child.stdout!.on("data", (d) => (text += d));
  child.stderr!.on("data", (d) => (text += d));
  const clean = () => text.replace(ANSI, "");
  const done = new Promise<CdktfRun>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal, output: clean() })));
  return {
    child,
    output: clean,
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

/** The live site against a desired state: inventory and what apply would still change. */
export async function liveState(site: string, desired: DesiredState): Promise<{ inventory: Inventory; plan: RuntimePlan }> {
  const s = readSite(site);
  const consul = new ConsulClient(consulConfigFromEnv({ address: s.consulHttp }));
  try {
    return await planFromLive(desired, { consul, tlsDir: s.tlsDir, profile: "local" });
  } finally {
    consul.close();
  }
}

export function removeProject(project: string): void {
  rmSync(project, { recursive: true, force: true });
}
