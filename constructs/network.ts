import { Construct } from "constructs";
import { DcpError } from "../model/errors";
import { EipAddress } from "../.gen/providers/alicloud/eip-address";
import { EipAssociation } from "../.gen/providers/alicloud/eip-association";
import { NatGateway } from "../.gen/providers/alicloud/nat-gateway";
import { SecurityGroup } from "../.gen/providers/alicloud/security-group";
import { SecurityGroupRule } from "../.gen/providers/alicloud/security-group-rule";
import { Vpc } from "../.gen/providers/alicloud/vpc";
import { SnatEntry } from "../.gen/providers/alicloud/snat-entry";
import { Vswitch } from "../.gen/providers/alicloud/vswitch";
import { carve, formatCidr, parseCidr } from "./cidr";
import { Idc } from "./idc";
import { isLocalProfile } from "./profile";

/** An ingress rule of the fleet's security group. */
export interface IngressRule {
  /** A port or an inclusive range `[from, to]`. */
  readonly port: number | [number, number];
  /** @default "tcp" */
  readonly protocol?: "tcp" | "udp";
  /** Source range, e.g. `0.0.0.0/0` for a public web port. */
  readonly cidr: string;
  /** @default none */
  readonly description?: string;
}

export interface NetworkProps {
  /** The cloud IDC this network is in; one vSwitch per zone of the IDC, in its priority order. */
  readonly idc: Idc;
  /** @default "10.0.0.0/16" */
  readonly cidrBlock?: string;
  /**
   * Prefix length of each vSwitch, carved in order from the start of the VPC range.
   * Alibaba Cloud accepts /16 to /29.
   * @default VPC prefix + 4 (a /16 VPC gives /20 vSwitches, room for 16 zones)
   */
  readonly vswitchPrefixLength?: number;
  /**
   * Where the runtime reaches hosts from (Docker TLS 2376, Consul 8500): the control
   * plane's ranges. Never 0.0.0.0/0.
   * @default [] (only addresses inside the VPC)
   */
  readonly adminCidrs?: string[];
  /**
   * Extra ingress, e.g. a public web port. SSH, Docker and Consul ports may never be
   * opened to 0.0.0.0/0.
   * @default []
   */
  readonly ingress?: IngressRule[];
  /**
   * Outbound internet for hosts without public IPs (bootstrap installs packages; hosts
   * pull images from outside the VPC): an enhanced NAT gateway in the first zone with
   * one EIP and an SNAT entry per vSwitch. Set 0 to create none, e.g. when the image
   * has everything and registries are inside the VPC.
   * @default 100 (Mbit/s of the EIP, pay by traffic)
   */
  readonly natBandwidthMbps?: number;
}

/** Ports that must never face the internet: SSH, Docker API, Consul RPC/Serf/HTTP/DNS. */
export const PROTECTED_PORTS: Array<{ from: number; to: number; what: string }> = [
  { from: 22, to: 22, what: "SSH" },
  { from: 2375, to: 2376, what: "Docker API" },
  { from: 8300, to: 8302, what: "Consul RPC/Serf" },
  { from: 8500, to: 8500, what: "Consul HTTP" },
  { from: 8600, to: 8600, what: "Consul DNS" },
];

/** A VPC with one vSwitch per zone and a security group that keeps control ports private. */
export class Network extends Construct {
  readonly idc: Idc;
  readonly cidrBlock: string;
  /** vSwitch CIDRs in zone priority order. */
  readonly vswitchCidrs: string[];
  /** Absent in the local profile, where `dcp up` makes the network. */
  readonly vpc?: Vpc;
  readonly vswitches: Vswitch[] = [];
  readonly securityGroup?: SecurityGroup;
  readonly natGateway?: NatGateway;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const where = `Network ${this.node.path}`;
    this.idc = props.idc;
    if (!props.idc.isCloud) {
      throw new DcpError(`${where}: IDC "${props.idc.name}" is private; a Network is created only in a cloud IDC`);
    }
    this.cidrBlock = props.cidrBlock ?? "10.0.0.0/16";
    const vpcCidr = parseCidr(this.cidrBlock);
    if (!vpcCidr || vpcCidr.prefix < 8 || vpcCidr.prefix > 24) {
      throw new DcpError(`${where}: cidrBlock "${this.cidrBlock}" must be an IPv4 network /8 to /24 without host bits, e.g. "10.0.0.0/16"`);
    }
    const zones = props.idc.spec.zones;
    const prefix = props.vswitchPrefixLength ?? Math.min(29, vpcCidr.prefix + 4);
    if (!Number.isInteger(prefix) || prefix < Math.max(16, vpcCidr.prefix) || prefix > 29 || 2 ** (prefix - vpcCidr.prefix) < zones.length) {
      throw new DcpError(
        `${where}: vswitchPrefixLength ${prefix} cannot carve ${zones.length} vSwitches out of ${this.cidrBlock}; use a length between /${Math.max(16, vpcCidr.prefix + Math.ceil(Math.log2(zones.length)))} and /29`,
      );
    }
    this.vswitchCidrs = carve(vpcCidr, prefix, zones.length).map(formatCidr);

    const admin = props.adminCidrs ?? [];
    admin.forEach((c, i) => {
      const parsed = parseCidr(c);
      if (!parsed) throw new DcpError(`${where}: adminCidrs[${i}] "${c}" is not an IPv4 CIDR`);
      if (parsed.prefix === 0) throw new DcpError(`${where}: adminCidrs[${i}] is 0.0.0.0/0; list the control plane's own ranges`);
    });
    const ingress = props.ingress ?? [];
    ingress.forEach((r, i) => checkIngress(r, `${where}: ingress[${i}]`));
    const natBandwidth = props.natBandwidthMbps ?? 100;
    if (!Number.isInteger(natBandwidth) || natBandwidth < 0 || natBandwidth > 5000) {
      throw new DcpError(`${where}: natBandwidthMbps must be an integer 0-5000, 0 for no NAT gateway (got ${natBandwidth})`);
    }

    if (isLocalProfile(this)) return;

    this.vpc = new Vpc(this, "vpc", { vpcName: `dcp-${props.idc.name}`, cidrBlock: this.cidrBlock });
    zones.forEach((zone, i) => {
      this.vswitches.push(
        new Vswitch(this, `vswitch-${zone}`, {
          vswitchName: `dcp-${props.idc.name}-${zone}`,
          vpcId: this.vpc!.id,
          zoneId: zone,
          cidrBlock: this.vswitchCidrs[i],
        }),
      );
    });
    this.securityGroup = new SecurityGroup(this, "hosts", {
      securityGroupName: `dcp-${props.idc.name}-hosts`,
      description: "dcp hosts: control ports open only inside the VPC and to admin ranges",
      vpcId: this.vpc.id,
    });
    const rule = (name: string, r: { protocol: string; from: number; to: number; cidr: string; description: string }) =>
      new SecurityGroupRule(this, name, {
        securityGroupId: this.securityGroup!.id,
        type: "ingress",
        ipProtocol: r.protocol,
        portRange: r.protocol === "all" ? "-1/-1" : `${r.from}/${r.to}`,
        cidrIp: r.cidr,
        nicType: "intranet",
        policy: "accept",
        priority: 1,
        description: r.description,
      });
    // Hosts talk to each other freely: Consul gossip, Docker TLS from managers, service traffic.
    rule("intra-vpc", { protocol: "all", from: -1, to: -1, cidr: this.cidrBlock, description: "inside the VPC" });
    admin.forEach((cidr, i) => {
      rule(`admin-${i}-docker`, { protocol: "tcp", from: 2376, to: 2376, cidr, description: "runtime to Docker (TLS)" });
      rule(`admin-${i}-consul`, { protocol: "tcp", from: 8500, to: 8500, cidr, description: "runtime to Consul HTTP" });
    });
    ingress.forEach((r, i) => {
      const [from, to] = typeof r.port === "number" ? [r.port, r.port] : r.port;
      rule(`ingress-${i}`, { protocol: r.protocol ?? "tcp", from, to, cidr: r.cidr, description: r.description ?? "" });
    });

    if (natBandwidth === 0) return;
    this.natGateway = new NatGateway(this, "nat", {
      vpcId: this.vpc.id,
      vswitchId: this.vswitches[0].id,
      natGatewayName: `dcp-${props.idc.name}`,
      natType: "Enhanced",
      networkType: "internet",
      paymentType: "PayAsYouGo",
      internetChargeType: "PayByLcu",
    });
    const eip = new EipAddress(this, "nat-eip", {
      addressName: `dcp-${props.idc.name}-nat`,
      bandwidth: String(natBandwidth),
      internetChargeType: "PayByTraffic",
      paymentType: "PayAsYouGo",
    });
    const association = new EipAssociation(this, "nat-eip-association", {
      allocationId: eip.id,
      instanceId: this.natGateway.id,
      instanceType: "Nat",
    });
    this.vswitches.forEach((vswitch, i) => {
      new SnatEntry(this, `snat-${props.idc.spec.zones[i]}`, {
        snatTableId: this.natGateway!.snatTableIds,
        sourceVswitchId: vswitch.id,
        snatIp: eip.ipAddress,
        // The EIP must be bound to the gateway before an SNAT entry can use it.
        dependsOn: [association],
      });
    });
  }
}

function checkIngress(r: IngressRule, where: string): void {
  const [from, to] = typeof r.port === "number" ? [r.port, r.port] : r.port;
  if (![from, to].every((p) => Number.isInteger(p) && p >= 1 && p <= 65535) || from > to) {
    throw new DcpError(`${where}: port must be 1-65535 or a range [from, to] with from <= to (got ${JSON.stringify(r.port)})`);
  }
  const cidr = parseCidr(r.cidr);
  if (!cidr) throw new DcpError(`${where}: cidr "${r.cidr}" is not an IPv4 CIDR`);
  // Any range wider than a /8 counts as the internet: it would still expose the port widely.
  if (cidr.prefix < 8) {
    const hit = PROTECTED_PORTS.find((p) => from <= p.to && to >= p.from);
    if (hit) {
      throw new DcpError(
        `${where}: opens ${hit.what} (port ${hit.from === hit.to ? hit.from : `${hit.from}-${hit.to}`}) to ${r.cidr}; never expose it publicly — list the control plane's range in adminCidrs instead`,
      );
    }
  }
}
