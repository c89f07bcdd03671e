/**
 * The local site's host capacity: how the controller refills a fleet's buffer here. As
 * ESS keeps the desired capacity the controller raised, the site keeps the hosts a refill
 * added in `<state dir>/refill-hosts.json`. The local profile's Terraform merges that file
 * into its hosts (constructs/local-site-hosts.ts), so a targeted apply of the fleet's
 * stack makes them without a synth, and a later deploy keeps them; synth lists them in
 * their fleet, and until the next deploy the controller does (`added`), so the runtime
 * never takes them for hosts that are leaving.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FleetSpec, IdcSpec } from "../model/desired-state";
import { DcpError } from "../model/errors";
import { SynthesizedStack } from "../model/synth-output";
import { HostCapacity } from "../runtime/controller/capacity";
import { findTerraform, StackWorkspace, summary } from "../runtime/terraform";
import { hostNode, hostSlot, LOCAL_HOST_CAP, SLOTS_PER_FLEET } from "./layout";
import { addedHosts, hostOfInput, terraformHosts } from "./records";
import { LocalHost, LocalSite } from "./types";

export const refillHostsFile = (site: Pick<LocalSite, "stateDir">) => join(site.stateDir, "refill-hosts.json");

/** The hosts refills added to the site, by node. */
export function readRefillHosts(site: Pick<LocalSite, "stateDir">): Record<string, LocalHost> {
  const file = refillHostsFile(site);
  if (!existsSync(file)) return {};
  const inputs = JSON.parse(readFileSync(file, "utf8")) as Record<string, LocalHost & { site: string }>;
  return Object.fromEntries(Object.entries(inputs).map(([node, input]) => [node, hostOfInput(input, node)]));
}

/** Kept as the hosts' Terraform inputs, which name the site as every host's does. */
function writeRefillHosts(site: Pick<LocalSite, "name" | "stateDir">, hosts: Record<string, LocalHost>): void {
  const file = refillHostsFile(site);
  const inputs = Object.fromEntries(Object.entries(hosts).map(([node, h]) => [node, { site: site.name, ...h }]));
  writeFileSync(`${file}.tmp`, `${JSON.stringify(inputs, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

/** The Terraform address of the local profile's hosts (one resource, for_each over nodes). */
const HOSTS_RESOURCE = "terraform_data.host";

export class LocalSiteCapacity {
  private applying?: Promise<void>;
  /** Where `cdktf deploy` keeps the stacks and their state. */
  private readonly outDir: string;

  /**
   * @param projectDir where `cdktf deploy` keeps the stacks (`<projectDir>/cdktf.out`).
   * @param log progress and the outcome of each apply, which runs after `refill` returns.
   */
  constructor(
    private readonly site: Pick<LocalSite, "name" | "stateDir">,
    private readonly projectDir: string,
    private readonly log: (line: string) => void,
    private readonly binary: string | undefined = findTerraform(),
  ) {
    this.outDir = join(projectDir, "cdktf.out");
  }

  /** The capacity of one fleet of the site (the controller's CapacityFor). */
  of(fleet: FleetSpec, idc: IdcSpec | undefined): HostCapacity {
    return { refill: async (_name, hosts) => this.refill(fleet, idc?.zones ?? [], hosts) };
  }

  /** Fleet → the nodes refills added to it (they belong to it though the last deploy did not list them). */
  added(): Map<string, string[]> {
    const byFleet = new Map<string, string[]>();
    for (const h of Object.values(readRefillHosts(this.site))) byFleet.set(h.fleet, [...(byFleet.get(h.fleet) ?? []), h.node]);
    return byFleet;
  }

  /** Adds the hosts to the refill file and starts the stack's targeted apply; the hosts boot after this returns. */
  private refill(fleet: FleetSpec, zones: string[], count: number): string {
    if (this.applying) throw new DcpError(`the local Terraform is still making the last refill's hosts`);
    if (!this.binary) throw new DcpError("neither terraform nor tofu is on PATH: the local site's buffer is refilled through its Terraform");
    const known = terraformHosts(this.site.name, this.outDir);
    const made = known.filter((t) => t.host.fleet === fleet.name);
    if (made.length === 0) {
      throw new DcpError(`fleet ${fleet.name}: no Terraform state under ${this.outDir}/stacks made its hosts on site ${this.site.name}; hosts made by dcp up --hosts have no Terraform to refill them (deploy the stack with cdktf deploy)`);
    }
    const refills = readRefillHosts(this.site);
    const taken = new Set([...known.map((t) => t.host.node), ...Object.keys(refills), ...addedHosts(this.site).map((h) => h.node)]);
    const hosts = this.newHosts(made[0].host, taken, zones, count);
    writeRefillHosts(this.site, { ...refills, ...Object.fromEntries(hosts.map((h) => [h.node, h])) });
    const stack = made[0].stack;
    this.applying = this.apply(stack, hosts).finally(() => (this.applying = undefined));
    const short = hosts.length < count ? ` (${count - hosts.length} more would pass the ${LOCAL_HOST_CAP} hosts one machine holds)` : "";
    return `local Terraform (stack ${stack}) making ${hosts.map((h) => h.node).join(", ")}${short}`;
  }

  /**
   * The next free slots of the fleet's block, shaped like its host `model`; zones round-robin
   * by slot as synth gives them. A slot no state or record knows was never made (or is gone
   * for good), so its node starts at generation 0, as synth would give it.
   */
  private newHosts(model: LocalHost, taken: ReadonlySet<string>, zones: string[], count: number): LocalHost[] {
    const room = Math.max(0, LOCAL_HOST_CAP - taken.size);
    if (room === 0) throw new DcpError(`site ${this.site.name} holds ${taken.size} hosts, the ${LOCAL_HOST_CAP} one machine holds: no refill`);
    const block = Math.floor((hostSlot(this.site.name, model.node)! - 1) / SLOTS_PER_FLEET);
    const hosts: LocalHost[] = [];
    for (let j = 0; j < SLOTS_PER_FLEET && hosts.length < Math.min(count, room); j++) {
      const node = hostNode(this.site.name, block * SLOTS_PER_FLEET + j + 1);
      if (taken.has(node)) continue;
      const zone = zones.length > 0 ? zones[j % zones.length] : model.zone;
      hosts.push({ ...model, node, zone, generation: 0 });
    }
    return hosts;
  }

  private async apply(stackName: string, hosts: LocalHost[]): Promise<void> {
    const nodes = hosts.map((h) => h.node).join(", ");
    try {
      const stack: SynthesizedStack = { name: stackName, terraform: JSON.parse(readFileSync(join(this.outDir, "stacks", stackName, "cdk.tf.json"), "utf8")) };
      // As deep in the project as the stack's own directory: the hosts' provisioners name dcp relative to it.
      const dir = join(this.outDir, "refill", stackName);
      mkdirSync(dir, { recursive: true });
      const workspace = new StackWorkspace(this.binary!, stack, this.projectDir, dir);
      const init = await workspace.init();
      if (init.code !== 0) throw new DcpError(`${this.binary} init: ${summary(init.output)}`);
      const run = await workspace.applyTargets([HOSTS_RESOURCE]);
      if (run.code !== 0) throw new DcpError(`${this.binary} apply: ${summary(run.output)}`);
      this.log(`refill: local Terraform made ${nodes} (stack ${stackName})`);
    } catch (err) {
      // They stay in the refill file: the next apply of the stack (a deploy, or the next refill) makes them.
      this.log(`refill: local Terraform failed to make ${nodes} (stack ${stackName}): ${(err as Error).message}`);
    }
  }
}
