/**
 * `dcp synth`: synthesizes the project's stacks to Terraform JSON (cdktf output layout)
 * and prints the chain a reviewer checks: pool → replicas → hosts → fleet. On any error
 * it exits 1 and the output directory is left as it was.
 */
import { Command, Option } from "commander";
import Table from "cli-table3";
import { Profile } from "../../model/profile";
import { FleetSummary } from "../../constructs/sizing";
import { SynthesizeResult } from "../../constructs/synthesize";
import { synthesizeProject } from "../runtime-input";

interface SynthOptions {
  profile: Profile;
  out: string;
}

export function register(program: Command): void {
  program
    .command("synth")
    .description("synthesize Terraform JSON and the desired state from stacks/ and print the fleet sizing; exit 1 on error, writing nothing")
    .addOption(new Option("--profile <profile>", "cloud: Terraform for Alibaba Cloud; local: the local fleet").choices(["cloud", "local"]).default("cloud"))
    .option("--out <dir>", "output directory (replaced as a whole)", "cdktf.out")
    .action(async (options: SynthOptions) => {
      const result = await synthesizeProject(options.profile, options.out);
      console.log(formatSummary(result.summary));
      if (result.inputs.length > 0) console.log(formatInputs(result.inputs));
      // A block with for_each (the local profile's hosts) is one resource per key.
      const instances = (config: any) => (config?.for_each && typeof config.for_each === "object" ? Object.keys(config.for_each).length : 1);
      const resources = result.stacks.reduce(
        (n, s) => n + Object.values<Record<string, unknown>>(s.terraform.resource ?? {}).reduce((m, byName) => m + Object.values(byName).reduce((k: number, c) => k + instances(c), 0), 0),
        0,
      );
      console.log(
        `profile ${options.profile}: ${result.stacks.length} stack(s), ${resources} Terraform resources, ${result.desired.pools.length} pools → ${options.out}/stacks/<stack>/cdk.tf.json, ${options.out}/desired.json`,
      );
    });
}

/** What the first apply needs from outside the stack: Terraform variables to set, services that must answer over the IDC link. */
export function formatInputs(inputs: SynthesizeResult["inputs"]): string {
  const table = new Table({ head: ["input", "kind", "what"], colWidths: [null, null, 72], wordWrap: true, style: { head: [], border: [] } });
  for (const i of inputs) table.push([`${i.stack}: ${i.name}`, i.kind, i.description]);
  return `inputs of the first apply (set variables as TF_VAR_<name> or in a .tfvars file):\n${table.toString()}`;
}

/** Two tables: pools (replicas → containers and hosts per fleet) and fleets (hosts needed, buffer, free, desired). */
export function formatSummary(summary: FleetSummary): string {
  const pools = new Table({ head: ["pool", "replicas", "effective", "fleet", "containers", "hosts"], style: { head: [], border: [] } });
  for (const a of summary.allocations) {
    pools.push([a.pool, a.replicas, a.effectiveReplicas, `${a.fleet} (${a.idc})`, a.containers, a.hosts]);
  }
  const local = summary.local;
  const head = ["fleet", "idc", "hosts for pools", "+ buffer", "− free", "= desired", ...(local ? ["local hosts"] : []), "note"];
  const fleets = new Table({ head, style: { head: [], border: [] } });
  for (const f of summary.fleets) {
    const onSite = local?.find((l) => l.fleet === f.fleet);
    const note = onSite?.note ?? (f.kind === "private" && f.desiredHosts > 0 && !local ? `short by ${f.desiredHosts}: add private hosts` : "");
    fleets.push([f.fleet, `${f.idc} (${f.kind})`, f.hostsForPools, f.bufferHosts, f.freeHosts, f.desiredHosts, ...(local ? [onSite?.hosts ?? 0] : []), note]);
  }
  return `${pools.toString()}\n${fleets.toString()}`;
}
