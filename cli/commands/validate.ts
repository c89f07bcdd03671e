/**
 * `dcp validate`: checks pool files before review, writing nothing. First each file
 * against the schema (file:line:column errors), then the pools together. For a
 * project's own stacks/pools the whole project is synthesized in memory, so unknown
 * IDCs, dependency cycles and everything else synth would reject are reported too; any
 * other directory is checked as a self-contained set of pools (dependencies resolve
 * among its files).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Command, Option } from "commander";
import { resolveDependencies } from "../../model/dependencies";
import { loadPoolFiles } from "../../constructs/pool-files/load";
import { Profile } from "../../model/profile";
import { synthesize } from "../../constructs/synthesize";
import { localSiteTarget } from "../../local-site";
import { DcpError } from "../../model/errors";

interface ValidateOptions {
  dir: string;
  profile: Profile;
}

export function register(program: Command): void {
  program
    .command("validate")
    .description("check pool files (schema, names, dependencies; the whole project for its own stacks/pools) without writing anything; exit 0 valid, 1 not")
    .option("--dir <dir>", "directory of pool files", path.join("stacks", "pools"))
    .addOption(new Option("--profile <profile>", "profile the project is synthesized for").choices(["cloud", "local"]).default("cloud"))
    .action(async (options: ValidateOptions) => {
      const pools = loadPoolFiles(options.dir);
      if (pools.length === 0) throw new DcpError(`no pool files (*.yaml, *.yml) in ${options.dir}`);
      const files = `${pools.length} pool file${pools.length === 1 ? "" : "s"} valid`;
      const project = projectOf(options.dir);
      if (project) {
        const { desired } = await synthesize(project, { profile: options.profile, localSite: options.profile === "local" ? localSiteTarget(undefined, path.join(project, "cdktf.out")) : undefined });
        console.log(`${files}; the project synthesizes for profile ${options.profile} (${desired.pools.length} pools, ${desired.fleets.length} fleets), nothing written`);
      } else {
        resolveDependencies(pools.map((p) => ({ name: p.name, replicas: p.replicas, dependencies: p.dependencies ?? [], source: p.source })));
        console.log(files);
      }
    });
}

/** The project whose stacks load this directory: `<project>/stacks/pools` next to `<project>/stacks/index.ts`. */
function projectOf(dir: string): string | undefined {
  const pools = path.resolve(dir);
  const stacks = path.dirname(pools);
  if (path.basename(pools) !== "pools" || path.basename(stacks) !== "stacks") return undefined;
  return fs.existsSync(path.join(stacks, "index.ts")) ? path.dirname(stacks) : undefined;
}
