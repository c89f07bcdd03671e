/**
 * `dcp validate`: checks pool files before review, writing nothing. Each file against
 * the schema (with file:line:column errors), then the pools together: dependencies
 * that name no pool and dependency cycles.
 */
import * as path from "node:path";
import { Command } from "commander";
import { resolveDependencies } from "../../constructs/dependencies";
import { loadPoolFiles } from "../../constructs/pool-files/load";
import { DcpError } from "../errors";

interface ValidateOptions {
  dir: string;
}

export function register(program: Command): void {
  program
    .command("validate")
    .description("check pool files (schema, file names, dependencies between pools) without writing anything; exit 0 valid, 1 not")
    .option("--dir <dir>", "directory of pool files", path.join("stacks", "pools"))
    .action((options: ValidateOptions) => {
      const pools = loadPoolFiles(options.dir);
      if (pools.length === 0) throw new DcpError(`no pool files (*.yaml, *.yml) in ${options.dir}`);
      resolveDependencies(pools.map((p) => ({ name: p.name, replicas: p.replicas, dependencies: p.dependencies ?? [], source: p.source })));
      console.log(`${pools.length} pool file${pools.length === 1 ? "" : "s"} valid`);
    });
}
