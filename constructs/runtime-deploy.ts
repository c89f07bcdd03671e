import { Construct } from "constructs";
import { DataResource, ITerraformDependable } from "cdktf";
import { DcpError } from "../model/errors";
import { DesiredState, desiredStateSha256 } from "../model/desired-state";
import { Profile } from "../model/profile";

/** The stack's desired state, written next to its Terraform JSON (DcpStack does). */
export const DESIRED_FILE = "desired.json";

export interface RuntimeDeployProps {
  readonly profile: Profile;
  /** The stack's desired state: the runtime runs again whenever its SHA-256 changes. */
  readonly desired: DesiredState;
  /**
   * The hosts, one line each (local: `<node>@<generation>`; cloud: each fleet's size and
   * scaling groups): the runtime runs again whenever this set changes.
   */
  readonly hostSet: string[];
  /** What the runtime runs after: the hosts' resources (local) or the scaling groups (cloud). */
  readonly after: ITerraformDependable[];
  /** The `dcp` command, as the directory Terraform runs in reaches it. */
  readonly dcp: string;
  /**
   * The local site to apply to (`dcp apply --site`); the cloud runtime takes Consul and TLS
   * from the deployer's environment (CONSUL_HTTP_ADDR, CONSUL_HTTP_TOKEN, DCP_TLS_DIR).
   * @default none (cloud)
   */
  readonly site?: string;
  /**
   * Seconds the runtime waits for new hosts to report init status ready in Consul KV
   * before it fails, naming each host that is not ready and its stage.
   * @default 600
   */
  readonly initTimeoutSeconds?: number;
  /** Seconds the runtime waits for another apply (the controller, a `dcp apply`) to release the apply lock. @default 300 */
  readonly lockWaitSeconds?: number;
}

/**
 * Runs the runtime inside `cdktf deploy`, after the hosts:
 * - `terraform_data.runtime` runs `dcp apply` once the hosts it depends on exist, and again
 *   whenever the desired state or the host set changes (triggers_replace). It is
 *   create_before_destroy: on a change the new run comes before the old one's destroy, and
 *   a host that leaves is destroyed only after that — the run drains it first (its desired
 *   state no longer lists it). It has no destroy-time provisioner, so a mere change never
 *   takes containers down.
 * - `terraform_data.teardown`, created once, takes every pool of the stack down to zero
 *   without dropping traffic when it is destroyed; it depends on the hosts, so `cdktf
 *   destroy` removes containers first and hosts after.
 */
export class RuntimeDeploy extends Construct {
  readonly runtime: DataResource;
  readonly teardown: DataResource;

  constructor(scope: Construct, id: string, props: RuntimeDeployProps) {
    super(scope, id);
    const where = `RuntimeDeploy ${this.node.path}`;
    const init = props.initTimeoutSeconds ?? 600;
    const lock = props.lockWaitSeconds ?? 300;
    for (const [field, value] of [["initTimeoutSeconds", init], ["lockWaitSeconds", lock]] as const) {
      if (!Number.isInteger(value) || value < 0) throw new DcpError(`${where}: ${field} must be a whole number of seconds >= 0 (got ${value})`);
    }
    const apply = [props.dcp, "apply", "--profile", props.profile, ...(props.site ? ["--site", props.site] : []), "--desired", DESIRED_FILE, "--wait-lock", String(lock), "--progress", "lines"].join(" ");
    const sha = desiredStateSha256(props.desired);

    this.runtime = new DataResource(this, "runtime", {
      dependsOn: props.after,
      triggersReplace: { desired_sha256: sha, hosts: props.hostSet.join(",") },
      lifecycle: { createBeforeDestroy: true },
      provisioners: [
        {
          type: "local-exec",
          // dcp apply exits 2 when it changed something: success here.
          command: `${apply} --desired-sha256 \${self.triggers_replace.desired_sha256} --wait-init ${init} || test $? -eq 2`,
        },
      ],
    });
    this.runtime.overrideLogicalId("runtime");

    this.teardown = new DataResource(this, "teardown", {
      dependsOn: props.after,
      provisioners: [{ type: "local-exec", when: "destroy", command: `${apply} --take-down || test $? -eq 2` }],
    });
    this.teardown.overrideLogicalId("teardown");
  }
}
