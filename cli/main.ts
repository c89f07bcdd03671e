#!/usr/bin/env node
/** The `dcp` command. Each subcommand lives in cli/commands/<name>.ts and registers itself here. */
import { Command } from "commander";
import { DcpError, EXIT } from "../model/errors";
import { register as validate } from "./commands/validate";
import { register as up } from "./commands/up";
import { register as down } from "./commands/down";
import { register as status } from "./commands/status";
import { register as synth } from "./commands/synth";
import { register as plan } from "./commands/plan";
import { register as apply } from "./commands/apply";
import { register as drift } from "./commands/drift";
import { register as cost } from "./commands/cost";
import { register as controller } from "./commands/controller";

const program = new Command()
  .name("dcp")
  .description("Elastic container capacity across private IDCs and Alibaba Cloud, as code")
  .showHelpAfterError();

const commands: Array<(program: Command) => void> = [validate, up, down, status, synth, plan, apply, drift, cost, controller];
for (const register of commands) register(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof DcpError) {
    console.error(`error: ${err.message}`);
  } else {
    console.error(err instanceof Error ? err.stack ?? err.message : String(err));
  }
  process.exit(EXIT.error);
});
