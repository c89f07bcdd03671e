/**
 * `dcp host add` / `dcp host remove`: one host of a local site at a time. The local
 * profile's Terraform runs them (each host is a `terraform_data` whose create and destroy
 * provisioners call these); by hand they repair or remove a single host.
 */
import { Command, InvalidArgumentError } from "commander";
import { addHost, removeHost } from "../../local-site";

function whole(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("must be a whole number >= 0");
  return n;
}

function trueOrFalse(value: string): boolean {
  if (value !== "true" && value !== "false") throw new InvalidArgumentError('must be "true" or "false"');
  return value === "true";
}

const log = (line: string) => console.error(line);

export function register(program: Command): void {
  const host = program.command("host").description("add or remove one host of a local site (the local profile's Terraform runs these)");
  host
    .command("add")
    .description("add a host to a site, or keep it when it runs healthy with this identity; makes the site's base first when it is not up")
    .requiredOption("--site <name>", "site name")
    .requiredOption("--node <node>", "node name, <site>-h<n>: n gives its address (<subnet>.(10+n))")
    .requiredOption("--fleet <fleet>", "fleet (node meta dcp_fleet)")
    .requiredOption("--idc <idc>", "IDC (node meta dcp_idc)")
    .requiredOption("--zone <zone>", "zone (node meta dcp_zone)")
    .requiredOption("--cpu <n>", "host class CPU", whole)
    .requiredOption("--memory-mib <n>", "host class memory", whole)
    .requiredOption("--cloud <bool>", "whether it stands for a cloud host (true/false)", trueOrFalse)
    .option("--generation <n>", "which incarnation of the node this is", whole, 0)
    .action(async (opts) => {
      const { site, node, fleet, idc, zone, cpu, memoryMib, cloud, generation } = opts;
      await addHost({ site, node, fleet, idc, zone, cpu, memoryMiB: memoryMib, cloud, generation }, log);
    });
  host
    .command("remove")
    .description("remove a host that was added on its own: it leaves Consul, its daemons stop, its namespace and state go")
    .requiredOption("--site <name>", "site name")
    .requiredOption("--node <node>", "node name")
    .option("--generation <n>", "remove only this incarnation (a newer one is left alone)", whole)
    .action(async (opts) => {
      await removeHost(opts.site, opts.node, opts.generation, log);
    });
}
