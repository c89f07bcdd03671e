import { Construct } from "constructs";
import { Fn, ITerraformDependable } from "cdktf";
import { DcpError } from "../model/errors";
import { Resources } from "../model/container-types";
import { ChargeType } from "../model/desired-state";
import { EssLifecycleHook } from "../.gen/providers/alicloud/ess-lifecycle-hook";
import { EssScalingConfiguration } from "../.gen/providers/alicloud/ess-scaling-configuration";
import { EssScalingGroup } from "../.gen/providers/alicloud/ess-scaling-group";
import { SecurityGroup } from "../.gen/providers/alicloud/security-group";
import { Idc } from "./idc";
import { Network } from "./network";
import { checkCount, checkName } from "./validation";

/** ESS accepts at most 10 instance types per scaling configuration. */
export const MAX_INSTANCE_TYPES = 10;
/** Default ESS quota of instances in one scaling group. */
export const ESS_GROUP_QUOTA = 1000;
/** ESS lifecycle hooks wait 30 s to 6 h. */
const HOOK_TIMEOUT = { min: 30, max: 21600 };

export interface FleetProps {
  /**
   * Fleet name, as hosts report it in node meta `dcp_fleet`.
   * @default the construct id
   */
  readonly name?: string;
  readonly idc: Idc;
  /** Required for a cloud fleet: the network of the fleet's IDC. Not allowed for a private fleet. */
  readonly network?: Network;
  /** CPU and memory of one host of this class. */
  readonly hostClass: Resources;
  /**
   * Cloud: instance types of the class in fallback order, used when the first is out of
   * stock (1 to 10). Private: not allowed.
   */
  readonly instanceTypes?: string[];
  /**
   * PostPaid (pay-as-you-go) or Spot. PrePaid is refused for scaling groups: ESS launches
   * pay-as-you-go or spot instances only.
   * @default "PostPaid"
   */
  readonly chargeType?: ChargeType;
  /**
   * Private fleets: hosts that exist and are free for dcp, subtracted from the need.
   * @default 0
   */
  readonly freeHosts?: number;
  /**
   * Cloud: the most hosts the fleet may ever run. Each zone gets scaling groups that
   * together hold this many (their max_size), so any one zone can take the whole fleet
   * when the others are out of stock. It alone fixes which scaling groups exist: raising
   * it adds groups and keeps the others; lowering it would delete groups, which
   * `prevent_destroy` refuses. Synth fails when the pools need more.
   * @default 1000
   */
  readonly maxHosts?: number;
  /**
   * Cloud: most hosts in one scaling group, at most the ESS quota of 1,000. Groups scale
   * out in parallel (ESS runs one scaling activity per group at a time).
   * @default 500
   */
  readonly maxHostsPerGroup?: number;
  /**
   * Cloud: how long a host that ESS scales in waits (SCALE_IN lifecycle hook) for the
   * runtime to move its containers away, 30-21600 s. If the runtime has not completed the
   * hook by then, ESS rolls the scale-in back and the host stays.
   * @default 600
   */
  readonly drainTimeoutSeconds?: number;
  /** @default 100 */
  readonly systemDiskGiB?: number;
}

/** What the stack decides at synth time for a cloud fleet. */
export interface FleetMaterial {
  /** Hosts the pools need now: the first zone's groups start with them. */
  desiredHosts: number;
  userData: string;
  imageId: string;
  /** What must exist before a host boots (egress, the IDC link, the Consul servers). */
  dependsOn: ITerraformDependable[];
}

/** The scaling groups of one zone, in creation order. */
export interface ZoneGroups {
  zone: string;
  /** 1 = first priority. */
  priority: number;
  groups: EssScalingGroup[];
}

/**
 * Hosts of one class in one IDC. A cloud fleet becomes ESS scaling groups, one set per
 * zone (one vSwitch each) so that the zone order the IDC declares is the order dcp fills
 * them in; a private fleet creates nothing (its hosts exist) but is sized like any other.
 */
export class Fleet extends Construct {
  readonly name: string;
  readonly idc: Idc;
  readonly network?: Network;
  readonly hostClass: Resources;
  readonly instanceTypes: string[];
  readonly chargeType: ChargeType;
  readonly freeHosts: number;
  readonly maxHosts: number;
  readonly maxHostsPerGroup: number;
  readonly drainTimeoutSeconds: number;
  readonly systemDiskGiB: number;
  readonly zoneGroups: ZoneGroups[] = [];
  /** Set by a LoadBalancer: the only pool these hosts run, and the security group that admits its clients. */
  private dedication?: { pool: string; securityGroup?: SecurityGroup; by: string };

  constructor(scope: Construct, id: string, props: FleetProps) {
    super(scope, id);
    this.name = props.name ?? id;
    const where = `Fleet ${this.node.path}`;
    checkName("fleet", this.name, where);
    this.idc = props.idc;
    this.hostClass = { ...props.hostClass };
    this.chargeType = props.chargeType ?? "PostPaid";
    this.freeHosts = props.freeHosts ?? 0;
    this.instanceTypes = [...(props.instanceTypes ?? [])];
    this.maxHosts = props.maxHosts ?? 1000;
    this.maxHostsPerGroup = props.maxHostsPerGroup ?? 500;
    this.drainTimeoutSeconds = props.drainTimeoutSeconds ?? 600;
    this.systemDiskGiB = props.systemDiskGiB ?? 100;
    this.network = props.network;

    if (!(this.hostClass.cpu > 0) || !(this.hostClass.memoryMiB > 0)) {
      throw new DcpError(`${where}: hostClass needs cpu > 0 and memoryMiB > 0 (got ${JSON.stringify(props.hostClass)})`);
    }
    checkCount("freeHosts", this.freeHosts, where);
    if (!["PostPaid", "PrePaid", "Spot"].includes(this.chargeType)) {
      throw new DcpError(`${where}: chargeType must be PostPaid, PrePaid or Spot (got "${this.chargeType}")`);
    }
    if (this.idc.isCloud) this.checkCloud(props, where);
    else {
      if (props.network) throw new DcpError(`${where}: IDC "${this.idc.name}" is private; its hosts exist, remove network`);
      if (this.instanceTypes.length > 0) throw new DcpError(`${where}: instanceTypes is for cloud fleets; remove it for private IDC "${this.idc.name}"`);
    }
  }

  private checkCloud(props: FleetProps, where: string): void {
    if (!props.network) throw new DcpError(`${where}: a cloud fleet needs network: the Network of IDC "${this.idc.name}"`);
    if (props.network.idc !== this.idc) {
      throw new DcpError(`${where}: network ${props.network.node.path} is in IDC "${props.network.idc.name}", the fleet in "${this.idc.name}"; use that IDC's network`);
    }
    if (this.instanceTypes.length < 1 || this.instanceTypes.length > MAX_INSTANCE_TYPES) {
      throw new DcpError(`${where}: instanceTypes must list 1 to ${MAX_INSTANCE_TYPES} instance types of the class, in fallback order (got ${this.instanceTypes.length})`);
    }
    if (this.freeHosts > 0) throw new DcpError(`${where}: freeHosts is for private fleets; cloud hosts are bought as needed`);
    if (this.chargeType === "PrePaid") {
      throw new DcpError(`${where}: chargeType PrePaid is not available for scaling groups (ESS launches pay-as-you-go or spot instances); use PostPaid or Spot`);
    }
    checkCount("maxHosts", this.maxHosts, where, 1);
    checkCount("maxHostsPerGroup", this.maxHostsPerGroup, where, 1);
    if (this.maxHostsPerGroup > ESS_GROUP_QUOTA) {
      throw new DcpError(`${where}: maxHostsPerGroup ${this.maxHostsPerGroup} exceeds the default ESS quota of ${ESS_GROUP_QUOTA} instances per group; use at most ${ESS_GROUP_QUOTA}`);
    }
    if (!Number.isInteger(this.drainTimeoutSeconds) || this.drainTimeoutSeconds < HOOK_TIMEOUT.min || this.drainTimeoutSeconds > HOOK_TIMEOUT.max) {
      throw new DcpError(`${where}: drainTimeoutSeconds must be an integer ${HOOK_TIMEOUT.min}-${HOOK_TIMEOUT.max}, the range of an ESS lifecycle hook's timeout (got ${this.drainTimeoutSeconds})`);
    }
    if (!Number.isInteger(this.systemDiskGiB) || this.systemDiskGiB < 20 || this.systemDiskGiB > 2048) {
      throw new DcpError(`${where}: systemDiskGiB must be an integer 20-2048 (got ${this.systemDiskGiB})`);
    }
  }

  /** Every scaling group, zone by zone in priority order. */
  get scalingGroups(): EssScalingGroup[] {
    return this.zoneGroups.flatMap((z) => z.groups);
  }

  /** Scaling groups per zone: fixed by maxHosts alone, so they stay as the fleet's need changes. */
  get groupsPerZone(): number {
    return Math.ceil(this.maxHosts / this.maxHostsPerGroup);
  }

  /** The pool that alone runs on this fleet (its hosts are a load balancer's backends), if any. */
  get dedicatedPool(): string | undefined {
    return this.dedication?.pool;
  }

  /**
   * Reserves the fleet for one pool: called by the LoadBalancer in front of it. `securityGroup`
   * (absent in the local profile) admits the pool's clients on every host of the fleet.
   */
  dedicate(pool: string, by: string, securityGroup?: SecurityGroup): void {
    if (this.dedication) {
      throw new DcpError(`${by}: fleet "${this.name}" already serves pool "${this.dedication.pool}" behind ${this.dedication.by}; give each load-balanced pool a fleet of its own`);
    }
    this.dedication = { pool, securityGroup, by };
  }

  /**
   * Creates the scaling groups for the sized fleet. Called once by the stack after
   * sizing; private fleets and the local profile create nothing.
   */
  materialize(m: FleetMaterial): void {
    const network = this.network;
    if (!network?.vpc || !network.securityGroup) return;
    if (m.desiredHosts > this.maxHosts) {
      throw new DcpError(`Fleet ${this.node.path}: the pools need ${m.desiredHosts} hosts, more than maxHosts ${this.maxHosts}; raise maxHosts (scaling groups are added, none removed)`);
    }
    const securityGroupIds = [network.securityGroup.id, ...(this.dedication?.securityGroup ? [this.dedication.securityGroup.id] : [])];
    let unplaced = m.desiredHosts;
    this.idc.spec.zones.forEach((zone, z) => {
      const groups: EssScalingGroup[] = [];
      for (let k = 0; k < this.groupsPerZone; k++) {
        const maxSize = share(this.maxHosts, this.groupsPerZone, k);
        // Hosts start in the first zone, filling its groups in order; the other zones wait
        // as spill-over when that zone runs out of stock (dcp moves capacity, not ESS).
        const initial = z === 0 ? Math.min(maxSize, unplaced) : 0;
        unplaced -= initial;
        groups.push(this.group(`${zone}-${k + 1}`, network.vswitches[z].id, maxSize, initial, { ...m, securityGroupIds }));
      }
      this.zoneGroups.push({ zone, priority: z + 1, groups });
    });
  }

  private group(slot: string, vswitchId: string, maxSize: number, initial: number, m: FleetMaterial & { securityGroupIds: string[] }): EssScalingGroup {
    const group = new EssScalingGroup(this, `group-${slot}`, {
      scalingGroupName: `dcp-${this.name}-${slot}`,
      minSize: 0,
      maxSize,
      // Only the size at creation: afterwards dcp owns desired capacity (ESS API), and
      // Terraform owns the group's existence and bounds.
      desiredCapacity: initial,
      vswitchIds: [vswitchId],
      removalPolicies: ["OldestScalingConfiguration", "NewestInstance"],
      defaultCooldown: 60,
      groupDeletionProtection: true,
      lifecycle: { preventDestroy: true, ignoreChanges: ["desired_capacity"] },
    });
    new EssScalingConfiguration(this, `configuration-${slot}`, {
      scalingGroupId: group.id,
      scalingConfigurationName: `dcp-${this.name}-${slot}`,
      imageId: m.imageId,
      // Fallback list: ESS tries the next type when the first is out of stock.
      instanceTypes: this.instanceTypes,
      securityGroupIds: m.securityGroupIds,
      systemDiskCategory: "cloud_essd",
      systemDiskSize: this.systemDiskGiB,
      internetMaxBandwidthOut: 0,
      instanceName: `dcp-${this.name}`,
      ...(this.chargeType === "Spot" ? { spotStrategy: "SpotAsPriceGo" } : {}),
      userData: Fn.base64encode(m.userData),
      active: true,
      // Enabling the group launches its hosts: only once what they need at boot exists.
      enable: true,
      dependsOn: m.dependsOn,
      // With force_delete the provider deletes the whole group (ForceDelete) when its last
      // configuration goes; a replacement is created first instead.
      forceDelete: false,
      lifecycle: { createBeforeDestroy: true },
    });
    new EssLifecycleHook(this, `drain-${slot}`, {
      scalingGroupId: group.id,
      name: `dcp-${this.name}-${slot}-drain`,
      lifecycleTransition: "SCALE_IN",
      heartbeatTimeout: this.drainTimeoutSeconds,
      defaultResult: "ROLLBACK",
    });
    return group;
  }
}

/** Part `i` of `total` split into `parts` as evenly as possible (earlier parts get the remainder). */
function share(total: number, parts: number, i: number): number {
  return Math.floor(total / parts) + (i < total % parts ? 1 : 0);
}
