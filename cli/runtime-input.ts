/**
 * What `dcp plan` and `dcp apply` share: where the desired state comes from (synth of the
 * project, or a DesiredState JSON file) and the runtime options on the command line.
 */
import { existsSync, readFileSync } from "node:fs";
import { Command, Option } from "commander";
import { isContainerType, CONTAINER_TYPE_NAMES } from "../model/container-types";
import { DesiredState } from "../model/desired-state";
import { synthesize, SynthesizeResult } from "../constructs/synthesize";
import { localSiteImage } from "../local-site";
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
  batchPercent?: string;
}

export function addRuntimeOptions(command: Command): Command {
  return command
    .addOption(new Option("--profile <profile>", "desired state for the cloud or the local fleet").choices(["cloud", "local"]).default("cloud"))
    .option("--json", "print JSON instead of tables")
    .option("--pool <names...>", "only these pools (others are left alone)")
    .option("--desired <file>", "a DesiredState JSON file instead of synthesizing stacks/")
    .option("--insecure-docker", "allow plain tcp:// Docker endpoints that are not loopback")
    .option("--seed <n>", "scheduler seed (same seed and inventory: same plan)")
    .option("--batch-percent <n>", "share of a pool replaced per rolling-update wave", "25");
}

function integer(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new DcpError(`${flag} ${value}: must be a whole number from ${min} to ${max}`);
  return n;
}

export function runtimeOptions(options: RuntimeCliOptions): RuntimeOptions {
  return {
    profile: options.profile,
    pools: options.pool,
    insecureDocker: options.insecureDocker,
    seed: integer(options.seed, "--seed", 0, 2 ** 31),
    batchPercent: integer(options.batchPercent, "--batch-percent", 1, 100),
  };
}

/** Checks the fields the runtime relies on and names the file and field that is wrong. */
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
  const names = new Set<string>();
  d.pools.forEach((p, i) => {
    const at = `pools[${i}]`;
    if (typeof p?.name !== "string" || !/^[a-z0-9][a-z0-9-]*$/.test(p.name)) throw fail(`${at}.name`, `is ${JSON.stringify(p?.name)}; must be lower-case letters, digits and "-"`);
    if (names.has(p.name)) throw fail(`${at}.name`, `"${p.name}" appears twice`);
    names.add(p.name);
    if (typeof p.image !== "string" || !p.image) throw fail(`${at}.image`, "must be a non-empty string");
    if (!isContainerType(p.containerType)) throw fail(`${at}.containerType`, `is ${JSON.stringify(p.containerType)}; must be one of ${CONTAINER_TYPE_NAMES.join(", ")}`);
    if (!Number.isInteger(p.effectiveReplicas) || p.effectiveReplicas < 0) throw fail(`${at}.effectiveReplicas`, `is ${JSON.stringify(p.effectiveReplicas)}; must be a whole number >= 0`);
    if (!Array.isArray(p.idcs) || p.idcs.length === 0) throw fail(`${at}.idcs`, "must list at least one IDC");
    if (!Array.isArray(p.ports)) throw fail(`${at}.ports`, "must be an array");
    p.ports.forEach((port, j) => {
      if (!Number.isInteger(port?.port) || port.port < 0 || port.port > 65535) throw fail(`${at}.ports[${j}].port`, `is ${JSON.stringify(port?.port)}; must be 0 (dynamic) or a TCP port`);
    });
    if (!p.placement || !Array.isArray(p.placement.constraints)) throw fail(`${at}.placement.constraints`, "must be an array");
    if (typeof p.env !== "object" || p.env === null) throw fail(`${at}.env`, "must be an object");
  });
  return d;
}

export async function loadDesired(options: RuntimeCliOptions): Promise<DesiredState> {
  if (options.desired) return readDesiredFile(options.desired);
  return (await synthesizeProject(options.profile)).desired;
}

/** Synthesizes the project in the working directory; on the local profile its pools run the local fleet's demo image. */
export function synthesizeProject(profile: Profile, outDir?: string): Promise<SynthesizeResult> {
  return synthesize(process.cwd(), { profile, outDir, localImage: profile === "local" ? localSiteImage() : undefined });
}
