/**
 * What `dcp plan` and `dcp apply` share: where the desired state comes from (synth of the
 * project, or a DesiredState JSON file) and the runtime options on the command line.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Command, Option } from "commander";
import { DesiredState } from "../model/desired-state";
import { FieldProblem, formatFieldPath, isMapping } from "../model/fields";
import { poolProblems } from "../model/pool-rules";
import { replicaProblems } from "../model/pool-rules/pool";
import { synthesize, SynthesizeResult } from "../constructs/synthesize";
import { localSiteTarget, readSite } from "../local-site";
import { RuntimeOptions } from "../runtime";
import { DcpError } from "../model/errors";
import { Profile } from "../model/profile";

export interface RuntimeCliOptions {
  profile: Profile;
  json?: boolean;
  pool?: string[];
  desired?: string;
  insecureDocker?: boolean;
  seed?: string;
  site?: string;
  promote?: boolean;
  abort?: boolean;
}

export function addRuntimeOptions(command: Command): Command {
  return command
    .addOption(new Option("--profile <profile>", "desired state for the cloud or the local fleet").choices(["cloud", "local"]).default("cloud"))
    .option("--json", "print JSON instead of tables")
    .option("--pool <names...>", "only these pools (others are left alone)")
    .option("--desired <file>", "a DesiredState JSON file instead of synthesizing stacks/")
    .option("--site <name>", "a local site: its Consul server and Docker client certificates instead of CONSUL_HTTP_ADDR and DCP_TLS_DIR")
    .option("--insecure-docker", "allow plain tcp:// Docker endpoints that are not loopback")
    .option("--seed <n>", "scheduler seed (same seed and inventory: same plan)");
}

/** What plan and apply add: how a canary or a stopped roll goes on (model/rollout.ts). */
export function addRollOptions(command: Command): Command {
  return command
    .option("--promote", "roll pools that hold a canary (update.canary) through to the new spec")
    .option("--abort", "return canaries and rolls stopped by a failed health check to the spec they started from");
}

function integer(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new DcpError(`${flag} ${value}: must be a whole number from ${min} to ${max}`);
  return n;
}

export function runtimeOptions(options: RuntimeCliOptions): RuntimeOptions {
  if (options.promote && options.abort) throw new DcpError("--promote and --abort go separately: promote rolls the canary on, abort takes it back");
  const site = options.site ? readSite(options.site) : undefined;
  return {
    ...(site ? { consulAddress: site.consulHttp, tlsDir: site.tlsDir } : {}),
    profile: options.profile,
    pools: options.pool,
    insecureDocker: options.insecureDocker,
    seed: integer(options.seed, "--seed", 0, 2 ** 31),
    ...(options.promote ? { promote: true } : {}),
    ...(options.abort ? { abort: true } : {}),
  };
}

/**
 * Reads a DesiredState JSON file: the shape the runtime relies on and every pool rule
 * (model/pool-rules), each problem naming the file and the field.
 */
export function readDesiredFile(file: string): DesiredState {
  if (!existsSync(file)) throw new DcpError(`${file}: not found (--desired takes a DesiredState JSON file)`);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new DcpError(`${file}: not valid JSON: ${(err as Error).message}`);
  }
  const d = value as DesiredState;
  const fail = (field: string, what: string) => new DcpError(`${file}: field ${field} ${what}`);
  if (!d || typeof d !== "object") throw fail("(root)", "must be an object");
  if (d.version !== 1) throw fail("version", `is ${JSON.stringify(d.version)}; must be 1`);
  for (const key of ["idcs", "fleets", "pools"] as const) if (!Array.isArray(d[key])) throw fail(key, "must be an array");
  const problems = d.pools.flatMap((p, i) => desiredPoolProblems(p, d.pools.slice(0, i)).map((q) => ({ ...q, path: ["pools", i, ...q.path] })));
  if (problems.length > 0) throw new DcpError(problems.map((p) => `${file}: field ${formatFieldPath(p.path)} ${p.message}`).join("\n"));
  return d;
}

/** A pool of a desired state: the pool rules, plus what synth always fills in and the planner reads. */
function desiredPoolProblems(pool: unknown, before: unknown[]): FieldProblem[] {
  if (!isMapping(pool)) return [{ path: [], message: "must be an object" }];
  const placement = pool.placement;
  return [
    ...(before.some((p) => isMapping(p) && p.name === pool.name) ? [{ path: ["name"], message: `"${pool.name}" appears twice` }] : []),
    ...poolProblems(pool),
    ...replicaProblems(pool.effectiveReplicas, ["effectiveReplicas"]),
    ...(Array.isArray(pool.ports) ? [] : [{ path: ["ports"], message: "must be an array" }]),
    ...(isMapping(placement) && Array.isArray(placement.constraints) ? [] : [{ path: ["placement", "constraints"], message: "must be an array" }]),
    ...(isMapping(pool.env) ? [] : [{ path: ["env"], message: "must be an object" }]),
  ];
}

export async function loadDesired(options: RuntimeCliOptions): Promise<DesiredState> {
  if (options.desired) return readDesiredFile(options.desired);
  return (await synthesizeProject(options.profile, undefined, options.site)).desired;
}

/** Synthesizes the project in the working directory; on the local profile, for the local site (env DCP_SITE by default). */
export function synthesizeProject(profile: Profile, outDir?: string, site?: string): Promise<SynthesizeResult> {
  return synthesize(process.cwd(), { profile, outDir, localSite: profile === "local" ? localSiteTarget(site, join(process.cwd(), "cdktf.out")) : undefined });
}
