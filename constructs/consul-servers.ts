import { Construct } from "constructs";
import { Fn } from "cdktf";
import { DcpError } from "../model/errors";
import { Instance } from "../.gen/providers/alicloud/instance";
import { SecurityGroup } from "../.gen/providers/alicloud/security-group";
import { Vpc } from "../.gen/providers/alicloud/vpc";
import { Vswitch } from "../.gen/providers/alicloud/vswitch";
import { addressAt, parseCidr } from "./cidr";
import { ingress } from "./firewall";
import { Idc } from "./idc";

export interface ConsulServersProps {
  /**
   * Servers in the Raft quorum: 3 survives the loss of one, 5 of two, 1 is for tests.
   * They are spread over the IDC's zones in priority order.
   * @default 3
   */
  readonly count?: 1 | 3 | 5;
  /** @default "ecs.g7.large" (2 vCPU, 8 GiB) */
  readonly instanceType?: string;
}

interface ConsulServersPlan extends ConsulServersProps {
  readonly idc: Idc;
  readonly zones: string[];
  /** One reserved CIDR per zone that holds a server, in zone priority order. */
  readonly cidrs: string[];
}

/** What the stack decides at synth time for the servers. */
export interface ConsulServersMaterial {
  readonly imageId: string;
  readonly userData: string;
}

/** The first addresses of a vSwitch are the gateway and reserved ones; servers start here. */
const FIRST_SERVER_OFFSET = 4;
export const CONSUL_SERF_PORT = 8301;

/**
 * The cloud IDC's Consul servers on fixed private addresses. Their vSwitches are reserved
 * (no scaling group uses them), so ESS can never hand a server address to a burst host.
 * Hosts wait for them before they boot; they are protected from deletion.
 */
export class ConsulServers extends Construct {
  readonly count: number;
  readonly instanceType: string;
  /** Zone, reserved CIDR and fixed address of each server, in order. */
  readonly placements: Array<{ zone: string; cidr: string; address: string }>;
  readonly instances: Instance[] = [];
  private readonly idc: Idc;
  private readonly vswitches = new Map<string, Vswitch>();
  private securityGroup?: SecurityGroup;

  constructor(scope: Construct, id: string, plan: ConsulServersPlan) {
    super(scope, id);
    const where = `Network ${scope.node.path}: consulServers`;
    this.count = plan.count ?? 3;
    if (![1, 3, 5].includes(this.count)) throw new DcpError(`${where}.count must be 1, 3 or 5 (an odd quorum); got ${this.count}`);
    this.instanceType = plan.instanceType ?? "ecs.g7.large";
    if (!/^ecs\.[a-z0-9-]+\.[a-z0-9]+$/.test(this.instanceType)) throw new DcpError(`${where}.instanceType "${this.instanceType}" is not an ECS instance type such as ecs.g7.large`);
    this.idc = plan.idc;
    this.placements = Array.from({ length: this.count }, (_, k) => {
      const z = k % plan.cidrs.length;
      return { zone: plan.zones[z], cidr: plan.cidrs[z], address: addressAt(parseCidr(plan.cidrs[z])!, FIRST_SERVER_OFFSET + Math.floor(k / plan.cidrs.length)) };
    });
  }

  /** Serf addresses hosts join, comma-separated. */
  get joinAddress(): string {
    return this.placements.map((p) => `${p.address}:${CONSUL_SERF_PORT}`).join(",");
  }

  get addresses(): string[] {
    return this.placements.map((p) => p.address);
  }

  /** The reserved vSwitches and the servers' security group (cloud profile only). */
  createNetwork(vpc: Vpc, vpcCidr: string, adminCidrs: string[]): void {
    for (const p of this.placements) {
      if (this.vswitches.has(p.zone)) continue;
      this.vswitches.set(p.zone, new Vswitch(this, `vswitch-${p.zone}`, { vswitchName: `dcp-${this.idc.name}-consul-${p.zone}`, vpcId: vpc.id, zoneId: p.zone, cidrBlock: p.cidr }));
    }
    const group = new SecurityGroup(this, "servers", {
      securityGroupName: `dcp-${this.idc.name}-consul`,
      description: "dcp Consul servers: RPC and Serf from the VPC, HTTP only from the admin ranges",
      vpcId: vpc.id,
    });
    ingress(this, "rpc", group, { protocol: "tcp", ports: [8300, 8300], cidr: vpcCidr, description: "agents to server RPC" });
    ingress(this, "serf-tcp", group, { protocol: "tcp", ports: [8301, 8301], cidr: vpcCidr, description: "Serf LAN" });
    ingress(this, "serf-udp", group, { protocol: "udp", ports: [8301, 8301], cidr: vpcCidr, description: "Serf LAN" });
    adminCidrs.forEach((cidr, i) => ingress(this, `admin-${i}-http`, group, { protocol: "tcp", ports: [8500, 8500], cidr, description: "runtime and enrolment service to Consul HTTP (ACL)" }));
    this.securityGroup = group;
  }

  /** The server instances; a no-op in the local profile, where no network was created. */
  materialize(m: ConsulServersMaterial): void {
    if (!this.securityGroup) return;
    this.placements.forEach((p, k) => {
      const name = `dcp-${this.idc.name}-consul-${k + 1}`;
      this.instances.push(
        new Instance(this, `server-${k + 1}`, {
          instanceName: name,
          hostName: name,
          instanceType: this.instanceType,
          imageId: m.imageId,
          vswitchId: this.vswitches.get(p.zone)!.id,
          privateIp: p.address,
          securityGroups: [this.securityGroup!.id],
          instanceChargeType: "PostPaid",
          internetMaxBandwidthOut: 0,
          systemDiskCategory: "cloud_essd",
          systemDiskSize: 40,
          deletionProtection: true,
          userData: Fn.base64encode(m.userData),
          // Replacing a server (new image or user data) is a rolling, one-at-a-time operation
          // on the Raft quorum, done by hand; Terraform never does it as a side effect.
          lifecycle: { preventDestroy: true, ignoreChanges: ["image_id", "user_data"] },
        }),
      );
    });
  }
}
