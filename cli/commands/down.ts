/** `dcp down`: removes exactly what `dcp up` made for a fleet. Safe to run twice. */
import { Command } from "commander";
import { fleetDown } from "../../fleet/local";

export function register(program: Command): void {
  program
    .command("down")
    .description("remove the local fleet: daemons, containers, namespaces, bridge and state dir")
    .option("--name <name>", "fleet name", "dcp")
    .action(async (opts) => {
      await fleetDown(opts.name, (line) => console.log(line));
    });
}
