import { Construct } from "constructs";
import { DataResource, Fn, TerraformIterator, TerraformLocal } from "cdktf";
import { LocalHost } from "../local-site";

export interface LocalSiteHostsProps {
  /** The local site the hosts join (`dcp up --name`). */
  readonly site: string;
  /** The hosts, from planLocalHosts. */
  readonly hosts: LocalHost[];
  /** The `dcp` command, as the directory Terraform runs in reaches it. */
  readonly dcp: string;
  /**
   * The site's refill file (local-site/refill.ts), read when Terraform runs: hosts the
   * controller added since this synth join the map, so its targeted apply makes them and a
   * deploy keeps them. A missing or unreadable file adds none.
   */
  readonly refillHostsFile: string;
}

/**
 * The local profile's hosts as Terraform resources of its built-in provider only: one
 * `terraform_data.host["<node>"]` per host, which creates the host through `dcp host add`
 * and destroys it through `dcp host remove`. One resource block with `for_each`: a host
 * leaving the map is destroyed by the block's own destroy provisioner (a block removed from
 * the configuration would take its provisioners with it). A destroy-time provisioner may
 * only read `self`, so the input carries everything the command needs.
 */
export class LocalSiteHosts extends Construct {
  readonly resource: DataResource;

  constructor(scope: Construct, id: string, props: LocalSiteHostsProps) {
    super(scope, id);
    // `local.hosts`: the hosts synth knows, by node.
    const synthesized = new TerraformLocal(this, "hosts", Object.fromEntries(props.hosts.map((h) => [h.node, { site: props.site, ...h }])));
    synthesized.overrideLogicalId("hosts");
    const refilled = Fn.try([Fn.jsondecode(Fn.file(props.refillHostsFile)), {}]);
    const each = TerraformIterator.fromMap(Fn.merge([synthesized.expression, refilled]) as unknown as Record<string, unknown>);
    const self = (key: keyof LocalHost | "site") => `\${self.input.${key}}`;
    const add = [
      `${props.dcp} host add --site ${self("site")} --node ${self("node")}`,
      `--fleet ${self("fleet")} --idc ${self("idc")} --zone ${self("zone")}`,
      `--cpu ${self("cpu")} --memory-mib ${self("memoryMiB")} --cloud ${self("cloud")} --generation ${self("generation")}`,
    ].join(" ");
    this.resource = new DataResource(this, "host", {
      forEach: each,
      input: each.value,
      // Any change of identity or generation makes a new host (the runtime resource's
      // create_before_destroy makes Terraform create it before it drops the old one).
      triggersReplace: each.value,
      provisioners: [
        { type: "local-exec", command: add },
        // Only the incarnation this resource made: an older one's destroy leaves a newer host alone.
        { type: "local-exec", when: "destroy", command: `${props.dcp} host remove --site ${self("site")} --node ${self("node")} --generation ${self("generation")}` },
      ],
    });
    this.resource.overrideLogicalId("host");
  }
}
