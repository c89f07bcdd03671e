/**
 * Synthesizes the project's stacks: Terraform JSON per stack, the desired state for the
 * runtime and the fleet summary. Used by `dcp synth`, plan, diff and cost; nothing is
 * written unless `outDir` is given, and then only once everything has succeeded.
 */
import { App } from "cdktf";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { DcpError } from "../model/errors";
import { DesiredState } from "../model/desired-state";
import { SynthOutput } from "../model/synth-output";
import { DcpStack, DcpStackProps, StackInput } from "./dcp-stack";
import { isProfile, Profile, PROFILES } from "../model/profile";
import { FleetSummary } from "./sizing";
import { LocalSiteTarget } from "../local-site";

export interface SynthesizeOptions {
  /** @default "cloud" */
  profile?: Profile;
  /**
   * Write the cdktf output (manifest.json, stacks/<name>/cdk.tf.json) plus desired.json and
   * summary.json here; the directory is replaced as a whole, only after synth succeeded.
   * @default nothing written
   */
  outDir?: string;
  /**
   * The local site the local profile deploys onto (the CLI passes localSiteTarget()).
   * @default site "dcp", image "dcp/demo:1", no host made yet
   */
  localSite?: LocalSiteTarget;
}

export interface SynthesizeResult extends SynthOutput {
  summary: FleetSummary;
  /** What the first apply of each stack needs from outside (variables, services over the IDC link). */
  inputs: Array<StackInput & { stack: string }>;
}

/** What `<projectDir>/stacks/index.ts` exports. */
interface ProjectStacks {
  buildStacks(app: App, props: DcpStackProps): DcpStack[];
}

export async function synthesize(projectDir: string, options: SynthesizeOptions = {}): Promise<SynthesizeResult> {
  const profile = options.profile ?? "cloud";
  if (!isProfile(profile)) throw new DcpError(`profile must be ${PROFILES.map((p) => `"${p}"`).join(" or ")} (got "${String(profile)}")`);
  const root = resolve(projectDir);
  const entry = join(root, "stacks", "index.ts");
  if (!existsSync(entry)) throw new DcpError(`${entry} not found: the project's stacks are built from stacks/index.ts (export buildStacks)`);
  const project = require(join(root, "stacks")) as ProjectStacks;

  const outDir = options.outDir ? resolve(root, options.outDir) : undefined;
  const props: DcpStackProps = {
    profile,
    projectDir: root,
    ...(outDir ? { outDir } : {}),
    ...(profile === "local" && options.localSite ? { localSite: options.localSite } : {}),
  };
  return synthesizeStacks((app) => project.buildStacks(app, props), outDir);
}

/**
 * Builds stacks into a fresh App and synthesizes them (validation, aspects, sizing). cdktf
 * always synthesizes to files, so that happens in a scratch directory under the system
 * temp dir, which is removed; with `outDir`, the result then replaces `outDir`. For
 * callers that build stacks themselves (tests, benchmarks, other revisions' code).
 */
export function synthesizeStacks(build: (app: App) => DcpStack[], outDir?: string): SynthesizeResult {
  const work = mkdtempSync(join(tmpdir(), "dcp-synth-"));
  try {
    const app = new App({ outdir: work, stackTraces: false });
    const stacks = build(app);
    app.synth();
    const result: SynthesizeResult = {
      stacks: stacks.map((s) => ({
        name: s.node.id,
        terraform: JSON.parse(readFileSync(join(work, "stacks", s.node.id, "cdk.tf.json"), "utf8")),
      })),
      desired: merge(stacks.map((s) => s.desiredState)),
      summary: {
        allocations: stacks.flatMap((s) => s.summary.allocations),
        fleets: stacks.flatMap((s) => s.summary.fleets),
        ...(stacks.some((s) => s.summary.local) ? { local: stacks.flatMap((s) => s.summary.local ?? []) } : {}),
      },
      inputs: stacks.flatMap((s) => s.inputs.map((i) => ({ stack: s.node.id, ...i }))),
    };
    if (outDir) {
      // Next to the Terraform: what `dcp plan --desired` and reviewers read.
      writeFileSync(join(work, "desired.json"), JSON.stringify(result.desired, null, 2) + "\n");
      writeFileSync(join(work, "summary.json"), JSON.stringify(result.summary, null, 2) + "\n");
      moveInto(work, outDir);
    }
    return result;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** What Terraform keeps in a stack's directory (`cdktf deploy` runs it there): state, locks, its working dir. */
const TERRAFORM_FILES = /^(.*\.tfstate(\.backup)?|\.terraform\.tfstate\.lock\.info|\.terraform|\.terraform\.lock\.hcl)$/;

/**
 * Replaces `dest` with `src` as late and as briefly as possible: the copy lands next to
 * `dest` first (same filesystem), Terraform's own files move over from the old stack
 * directories (a synth must never lose a deploy's state), then two renames swap it in.
 */
function moveInto(src: string, dest: string): void {
  mkdirSync(dirname(dest), { recursive: true });
  const staged = mkdtempSync(join(dirname(dest), ".dcp-synth-"));
  try {
    cpSync(src, staged, { recursive: true });
    chmodSync(staged, 0o755);
    keepTerraformFiles(dest, staged);
    rmSync(dest, { recursive: true, force: true });
    renameSync(staged, dest);
  } finally {
    rmSync(staged, { recursive: true, force: true });
  }
}

function keepTerraformFiles(from: string, to: string): void {
  const stacks = join(from, "stacks");
  if (!existsSync(stacks)) return;
  for (const stack of readdirSync(stacks)) {
    for (const entry of readdirSync(join(stacks, stack)).filter((e) => TERRAFORM_FILES.test(e))) {
      mkdirSync(join(to, "stacks", stack), { recursive: true });
      renameSync(join(stacks, stack, entry), join(to, "stacks", stack, entry));
    }
  }
}

/** One desired state for all stacks; names must not repeat across stacks. */
function merge(states: DesiredState[]): DesiredState {
  const merged: DesiredState = { version: 1, idcs: [], fleets: [], pools: [] };
  for (const s of states) {
    for (const key of ["idcs", "fleets", "pools"] as const) {
      for (const item of s[key]) {
        if ((merged[key] as Array<{ name: string }>).some((x) => x.name === item.name)) {
          throw new DcpError(`${key.slice(0, -1)} "${item.name}" is defined in more than one stack; names are global`);
        }
        (merged[key] as Array<{ name: string }>).push(item);
      }
    }
  }
  return merged;
}
