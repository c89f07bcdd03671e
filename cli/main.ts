#!/usr/bin/env node
/** The `dcp` command. Each subcommand lives in cli/commands/<name>.ts and registers itself here. */
import { Command } from "commander";
import { DcpError, EXIT } from "../model/errors";

/**
 * Subcommand modules by name. Only the one asked for is loaded: Terraform runs `dcp host
 * add` once per host and `dcp apply` after them, and loading every command (cdktf, the
 * runtime, the review) would cost each of those processes about half a second of CPU.
 * Help and unknown commands load them all.
 */
const COMMANDS: Record<string, () => { register(program: Command): void }> = {
  validate: () => require("./commands/validate"),
  up: () => require("./commands/up"),
  down: () => require("./commands/down"),
  status: () => require("./commands/status"),
  host: () => require("./commands/host"),
  synth: () => require("./commands/synth"),
  plan: () => require("./commands/plan"),
  apply: () => require("./commands/apply"),
  drift: () => require("./commands/drift"),
  cost: () => require("./commands/cost"),
  controller: () => require("./commands/controller"),
};

const program = new Command()
  .name("dcp")
  .description("Elastic container capacity across private IDCs and Alibaba Cloud, as code")
  .showHelpAfterError();

const asked = process.argv[2];
const load = asked !== undefined && asked in COMMANDS ? [COMMANDS[asked]] : Object.values(COMMANDS);
for (const command of load) command().register(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof DcpError) {
    console.error(`error: ${err.message}`);
  } else {
    console.error(err instanceof Error ? err.stack ?? err.message : String(err));
  }
  process.exit(EXIT.error);
});
