import { Construct } from "constructs";
import { Fn } from "cdktf";
import { DcpError } from "../model/errors";
import { Resources } from "../model/container-types";
import { ChargeType } from "../model/desired-state";
import { EssScalingConfiguration } from "../.gen/providers/alicloud/ess-scaling-configuration";
import { EssScalingGroup } from "../.gen/providers/alicloud/ess-scaling-group";
import { Idc } from "./idc";
import { Network } from "./network";
import { checkCount, checkName } from "./validation";

/** ESS accepts at most 10 instance types per scaling configuration. */
export const MAX_INSTANCE_TYPES = 10;
/** Default ESS quota of instances in one scaling group. */
export const ESS_GROUP_QUOTA = 1000;

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
   * Cloud: the host image.
   * @default the newest Alibaba Cloud Ubuntu 22.04 image (data source alicloud_images)
   */
  readonly imageId?: string;
  /**
   * Cloud: largest desired capacity of one scaling group; a larger fleet is split into
   * several groups that scale out in parallel.
   * @default 500
   */
  readonly maxHostsPerGroup?: number;
  /**
   * Cloud: room above desired capacity for scale-outs outside Terraform (max_size =
   * desired × (1 + headroom), rounded up).
   * @default 0.5
   */
  readonly headroom?: number;
  /** @default 100 */
  readonly systemDiskGiB?: number;
}

/** What the stack decides at synth time for a cloud fleet. */
export interface FleetMaterial {
  desiredHosts: number;
  bufferHosts: number;
  userData: string;
  imageId: string;
}

/**
 * Hosts of one class in one IDC. A cloud fleet becomes ESS scaling groups across its
 * network's vSwitches in zone priority order; a private fleet creates nothing (its hosts
 * exist) but is sized like any other.
 */
export class Fleet extends Construct {
  readonly name: string;
  readonly idc: Idc;
  readonly network?: Network;
  readonly hostClass: Resources;
  readonly instanceTypes: string[];
  readonly chargeType: ChargeType;
  readonly freeHosts: number;
  readonly imageId?: string;
  readonly maxHostsPerGroup: number;
  readonly headroom: number;
  readonly systemDiskGiB: number;
  readonly scalingGroups: EssScalingGroup[] = [];

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
    this.maxHostsPerGroup = props.maxHostsPerGroup ?? 500;
    this.headroom = props.headroom ?? 0.5;
    this.systemDiskGiB = props.systemDiskGiB ?? 100;
    this.imageId = props.imageId;
    this.network = props.network;

    if (!(this.hostClass.cpu > 0) || !(this.hostClass.memoryMiB > 0)) {
      throw new DcpError(`${where}: hostClass needs cpu > 0 and memoryMiB > 0 (got ${JSON.stringify(props.hostClass)})`);
    }
    checkCount("freeHosts", this.freeHosts, where);
    if (!["PostPaid", "PrePaid", "Spot"].includes(this.chargeType)) {
      throw new DcpError(`${where}: chargeType must be PostPaid, PrePaid or Spot (got "${this.chargeType}")`);
    }
    if (this.idc.isCloud) {
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
      checkCount("maxHostsPerGroup", this.maxHostsPerGroup, where, 1);
      if (this.maxHostsPerGroup > ESS_GROUP_QUOTA) {
        throw new DcpError(`${where}: maxHostsPerGroup ${this.maxHostsPerGroup} exceeds the default ESS quota of ${ESS_GROUP_QUOTA} instances per group; use at most ${ESS_GROUP_QUOTA}`);
      }
      if (!(this.headroom >= 0 && this.headroom <= 10)) throw new DcpError(`${where}: headroom must be between 0 and 10 (got ${this.headroom})`);
      if (!Number.isInteger(this.systemDiskGiB) || this.systemDiskGiB < 20 || this.systemDiskGiB > 2048) {
        throw new DcpError(`${where}: systemDiskGiB must be an integer 20-2048 (got ${this.systemDiskGiB})`);
      }
    } else {
      if (props.network) throw new DcpError(`${where}: IDC "${this.idc.name}" is private; its hosts exist, remove network`);
      if (this.instanceTypes.length > 0) throw new DcpError(`${where}: instanceTypes is for cloud fleets; remove it for private IDC "${this.idc.name}"`);
    }
  }

  /**
   * Creates the scaling groups for the sized fleet. Called once by the stack after
   * sizing; private fleets and the local profile create nothing.
   */
  materialize(m: FleetMaterial): void {
    const network = this.network;
    if (!network?.vpc || !network.securityGroup) return;
    // ESS creates the instances of one scaling activity in batches and caps a group's size
    // by quota (ESS_GROUP_QUOTA by default). Splitting a large fleet into groups of at most
    // maxHostsPerGroup keeps every group inside the quota and lets the groups scale out in
    // parallel, which is what makes ~1,000 hosts in minutes possible. Desired capacity is
    // spread evenly; the buffer is spread the same way and kept as min_size, so scale-in
    // policies never eat it.
    const groups = Math.max(1, Math.ceil(m.desiredHosts / this.maxHostsPerGroup));
    const vswitchIds = network.vswitches.map((v) => v.id);
    for (let g = 0; g < groups; g++) {
      const desired = share(m.desiredHosts, groups, g);
      const min = Math.min(desired, share(m.bufferHosts, groups, g));
      const max = Math.min(ESS_GROUP_QUOTA, Math.max(1, desired, Math.ceil(desired * (1 + this.headroom))));
      const suffix = groups === 1 ? "" : `-${g + 1}`;
      const group = new EssScalingGroup(this, `group${suffix}`, {
        scalingGroupName: `dcp-${this.name}${suffix}`,
        minSize: min,
        maxSize: max,
        desiredCapacity: desired,
        // vSwitches in zone priority order; PRIORITY makes ESS fill the first zone with stock.
        vswitchIds,
        multiAzPolicy: "PRIORITY",
        removalPolicies: ["OldestScalingConfiguration", "NewestInstance"],
        defaultCooldown: 60,
      });
      new EssScalingConfiguration(this, `configuration${suffix}`, {
        scalingGroupId: group.id,
        scalingConfigurationName: `dcp-${this.name}${suffix}`,
        imageId: m.imageId,
        // Fallback list: ESS tries the next type when the first is out of stock.
        instanceTypes: this.instanceTypes,
        securityGroupId: network.securityGroup.id,
        systemDiskCategory: "cloud_essd",
        systemDiskSize: this.systemDiskGiB,
        internetMaxBandwidthOut: 0,
        instanceName: `dcp-${this.name}`,
        ...(this.chargeType === "Spot" ? { spotStrategy: "SpotAsPriceGo" } : {}),
        userData: Fn.base64encode(m.userData),
        active: true,
        enable: true,
        forceDelete: true,
      });
      this.scalingGroups.push(group);
    }
  }
}

/** Part `i` of `total` split into `parts` as evenly as possible (earlier parts get the remainder). */
function share(total: number, parts: number, i: number): number {
  return Math.floor(total / parts) + (i < total % parts ? 1 : 0);
}
