/** `dcp down`: removes exactly what `dcp up` made for a fleet. Safe to run twice. */
import { Command } from "commander";
import { siteDown } from "../../local-site";

export function register(program: Command): void {
  program
    .command("down")
    .description("remove the local fleet: daemons, containers, namespaces, bridge and state dir")
    .option("--name <name>", "fleet name", "dcp")
    .action(async (opts) => {
      await siteDown(opts.name, (line) => console.log(line));
    });
}
