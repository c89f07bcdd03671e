/**
 * Synthesizes the project's stacks: Terraform JSON per stack, the desired state for the
 * runtime and the fleet summary. Used by `dcp synth`, plan, diff and cost; nothing is
 * written unless `outDir` is given, and then only once everything has succeeded.
 */
import { App } from "cdktf";
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { DcpError } from "../cli/errors";
import { DesiredState } from "../model/desired-state";
import { DcpStack, DcpStackProps } from "./dcp-stack";
import { Profile } from "./profile";
import { FleetSummary } from "./sizing";

export interface SynthesizeOptions {
  /** @default "cloud" */
  profile?: Profile;
  /** Write cdktf output (manifest.json, stacks/<name>/cdk.tf.json) here; replaced atomically. @default nothing written */
  outDir?: string;
  /**
   * Image for every pool in the local profile.
   * @default the image of the local fleet named by env DCP_FLEET (default fleet "dcp") when it is up, else "dcp/demo:1"
   */
  localImage?: string;
}

export interface SynthesizeResult {
  stacks: Array<{ name: string; terraform: any }>;
  desired: DesiredState;
  summary: FleetSummary;
}

/** What `<projectDir>/stacks/index.ts` exports. */
interface ProjectStacks {
  buildStacks(app: App, props: DcpStackProps): DcpStack[];
}

export async function synthesize(projectDir: string, options: SynthesizeOptions = {}): Promise<SynthesizeResult> {
  const profile = options.profile ?? "cloud";
  if (profile !== "cloud" && profile !== "local") throw new DcpError(`profile must be "cloud" or "local" (got "${String(profile)}")`);
  const root = resolve(projectDir);
  const entry = join(root, "stacks", "index.ts");
  if (!existsSync(entry)) throw new DcpError(`${entry} not found: the project's stacks are built from stacks/index.ts (export buildStacks)`);
  const project = require(join(root, "stacks")) as ProjectStacks;

  const outDir = options.outDir ? resolve(root, options.outDir) : undefined;
  // Next to the destination when writing, so the final rename stays on one filesystem.
  const work = mkdtempSync(outDir ? join(dirname(outDir), ".dcp-synth-") : join(tmpdir(), "dcp-synth-"));
  try {
    const app = new App({ outdir: work, stackTraces: false });
    const stacks = project.buildStacks(app, {
      profile,
      projectDir: root,
      ...(profile === "local" ? { localImage: options.localImage ?? localFleetImage() } : {}),
    });
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
      },
    };
    if (outDir) {
      rmSync(outDir, { recursive: true, force: true });
      renameSync(work, outDir);
    }
    return result;
  } finally {
    rmSync(work, { recursive: true, force: true });
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

function localFleetImage(): string {
  const file = join("/var/lib/dcp", process.env.DCP_FLEET ?? "dcp", "fleet.json");
  if (!existsSync(file)) return "dcp/demo:1";
  const fleet = JSON.parse(readFileSync(file, "utf8")) as { image?: string };
  return fleet.image ?? "dcp/demo:1";
}
