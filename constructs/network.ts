import { Construct } from "constructs";
import { ITerraformDependable, TerraformVariable } from "cdktf";
import { DcpError } from "../model/errors";
import { CenInstanceAttachment } from "../.gen/providers/alicloud/cen-instance-attachment";
import { SecurityGroup } from "../.gen/providers/alicloud/security-group";
import { Vpc } from "../.gen/providers/alicloud/vpc";
import { Vswitch } from "../.gen/providers/alicloud/vswitch";
import { carve, carveFromEnd, Cidr, contains, formatCidr, overlaps, parseCidr } from "./cidr";
import { ConsulServers, ConsulServersProps } from "./consul-servers";
import { ingress, protectedPortIn, PROTECTED_PORTS } from "./firewall";
import { Idc } from "./idc";
import { NatEgress } from "./nat-egress";
import { ImageRegistry, PrivateRegistryDns } from "./private-dns";
import { isLocalProfile } from "./profile";

export { PROTECTED_PORTS };
export type { ImageRegistry };

/** An ingress rule of the fleet's security group. */
export interface IngressRule {
  /** A port or an inclusive range `[from, to]`. */
  readonly port: number | [number, number];
  /** @default "tcp" */
  readonly protocol?: "tcp" | "udp";
  /** Source range, e.g. the private IDC's range for a service port its pools call. */
  readonly cidr: string;
  /** @default none */
  readonly description?: string;
}

/** The link between the private IDCs and this VPC (Express Connect or VPN, carried by CEN). */
export interface IdcLinkProps {
  /**
   * Address ranges of the private IDCs behind the link: where the runtime, the host
   * enrolment service and the IDC's registry live.
   */
  readonly idcCidrs: string[];
  /**
   * The CEN instance (Basic Edition) that already carries the IDCs' Express Connect
   * virtual border router or VPN; the stack attaches this VPC to it, so routes to and
   * from the IDC exist before any host boots.
   * @default the Terraform variable `<idc>_cen_instance_id` (an input of the stack)
   */
  readonly cenInstanceId?: string;
}

export interface NetworkProps {
  /** The cloud IDC this network is in; one vSwitch per zone of the IDC, in its priority order. */
  readonly idc: Idc;
  /** @default "10.0.0.0/16" */
  readonly cidrBlock?: string;
  /**
   * Prefix length of each host vSwitch, carved in order from the start of the VPC range.
   * Alibaba Cloud accepts /16 to /29.
   * @default VPC prefix + 4 (a /16 VPC gives /20 vSwitches, room for 16 zones)
   */
  readonly vswitchPrefixLength?: number;
  /** How the private IDCs reach this VPC. */
  readonly idcLink: IdcLinkProps;
  /**
   * Where the runtime reaches hosts from (Docker TLS 2376, Consul HTTP 8500): the control
   * plane's ranges, each inside `idcLink.idcCidrs` (nothing else routes into the VPC).
   * @default idcLink.idcCidrs
   */
  readonly adminCidrs?: string[];
  /**
   * HTTPS URL of the host enrolment service, reached over the IDC link: each host sends it
   * a certificate request for its own address and gets its Docker server certificate and
   * its Consul agent token (docs/alibaba-cloud.md, "Host identity").
   */
  readonly hostEnrolmentUrl: string;
  /**
   * Extra ingress on every host, e.g. a service port that pools in the private IDC call.
   * SSH, Docker and Consul ports may never be opened to 0.0.0.0/0.
   * @default []
   */
  readonly ingress?: IngressRule[];
  /**
   * Outbound internet for hosts without public IPs: an enhanced NAT gateway in the first
   * zone with one pay-by-traffic EIP of this bandwidth and an SNAT entry per vSwitch.
   * Alibaba Cloud sells pay-by-traffic EIPs of 1 to 200 Mbit/s. 0 creates none (the image
   * has everything and registries resolve inside the VPC or over the link).
   * @default 100
   */
  readonly natBandwidthMbps?: number;
  /**
   * Registries that pool images name and that must resolve inside the VPC, e.g. the
   * IDC's own `registry.local`: a PrivateZone attached to the VPC points each at a mirror.
   * @default []
   */
  readonly imageRegistries?: ImageRegistry[];
  /**
   * The IDC's Consul servers, on fixed addresses in vSwitches of their own that no
   * scaling group uses. Not allowed when the IDC names an existing `consulAddress`.
   * @default { count: 3, instanceType: "ecs.g7.large" }
   */
  readonly consulServers?: ConsulServersProps;
}

/** Alibaba Cloud sells pay-by-traffic EIPs of 1 to 200 Mbit/s. */
export const MAX_PAY_BY_TRAFFIC_EIP_MBPS = 200;
/** Prefix of the vSwitches that hold the Consul servers (16 addresses, 12 usable). */
const CONTROL_PREFIX = 28;

/**
 * A VPC with one host vSwitch per zone, reserved vSwitches for the Consul servers, the
 * attachment to the IDC link, outbound NAT, private DNS for image registries, and a host
 * security group that keeps control ports private.
 */
export class Network extends Construct {
  readonly idc: Idc;
  readonly cidrBlock: string;
  /** Host vSwitch CIDRs in zone priority order. */
  readonly vswitchCidrs: string[];
  readonly idcCidrs: string[];
  readonly adminCidrs: string[];
  readonly hostEnrolmentUrl: string;
  readonly imageRegistries: ImageRegistry[];
  /** Absent when the IDC names an existing Consul server. */
  readonly consulServers?: ConsulServers;
  /** Absent in the local profile, where `dcp up` makes the network. */
  readonly vpc?: Vpc;
  readonly vswitches: Vswitch[] = [];
  readonly securityGroup?: SecurityGroup;
  readonly egress?: NatEgress;
  readonly link?: CenInstanceAttachment;
  readonly registryDns?: PrivateRegistryDns;

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
    const hostCidrs = carveHostVswitches(vpcCidr, props.vswitchPrefixLength, props.idc.spec.zones.length, where);
    this.vswitchCidrs = hostCidrs.map(formatCidr);
    this.idcCidrs = checkLink(props.idcLink, vpcCidr, where);
    this.adminCidrs = checkAdminCidrs(props.adminCidrs ?? this.idcCidrs, this.idcCidrs, where);
    this.hostEnrolmentUrl = checkEnrolmentUrl(props.hostEnrolmentUrl, this.idcCidrs, where);
    const ingressRules = props.ingress ?? [];
    ingressRules.forEach((r, i) => checkIngress(r, `${where}: ingress[${i}]`));
    const natBandwidth = props.natBandwidthMbps ?? 100;
    if (!Number.isInteger(natBandwidth) || natBandwidth < 0 || natBandwidth > MAX_PAY_BY_TRAFFIC_EIP_MBPS) {
      throw new DcpError(`${where}: natBandwidthMbps must be 0 (no NAT gateway) or 1-${MAX_PAY_BY_TRAFFIC_EIP_MBPS}, the bandwidth Alibaba Cloud sells for a pay-by-traffic EIP (got ${natBandwidth})`);
    }
    this.imageRegistries = [...(props.imageRegistries ?? [])];
    PrivateRegistryDns.check(this.imageRegistries, [vpcCidr, ...this.idcCidrs.map((c) => parseCidr(c)!)], where);
    this.consulServers = this.planConsulServers(props, vpcCidr, hostCidrs, where);

    if (isLocalProfile(this)) return;
    this.vpc = new Vpc(this, "vpc", { vpcName: `dcp-${props.idc.name}`, cidrBlock: this.cidrBlock });
    props.idc.spec.zones.forEach((zone, i) => {
      this.vswitches.push(
        new Vswitch(this, `vswitch-${zone}`, { vswitchName: `dcp-${props.idc.name}-${zone}`, vpcId: this.vpc!.id, zoneId: zone, cidrBlock: this.vswitchCidrs[i] }),
      );
    });
    this.securityGroup = this.hostSecurityGroup(ingressRules);
    this.link = new CenInstanceAttachment(this, "idc-link", {
      instanceId: props.idcLink.cenInstanceId ?? this.cenVariable().stringValue,
      childInstanceId: this.vpc.id,
      childInstanceType: "VPC",
      childInstanceRegionId: props.idc.spec.region!,
    });
    if (natBandwidth > 0) this.egress = new NatEgress(this, "egress", { idc: props.idc.name, vpc: this.vpc, vswitches: this.vswitches, bandwidthMbps: natBandwidth });
    if (this.imageRegistries.length > 0) this.registryDns = new PrivateRegistryDns(this, "registries", { vpc: this.vpc, registries: this.imageRegistries });
    this.consulServers?.createNetwork(this.vpc, this.cidrBlock, this.adminCidrs);
  }

  /** Where hosts join Consul: the IDC's declared server, or the servers this network creates. */
  get consulJoin(): string {
    return this.idc.spec.consulAddress ?? this.consulServers!.joinAddress;
  }

  /**
   * What must exist before any host boots: routes to the IDC (enrolment, registry), egress,
   * registry names, and the Consul servers hosts join.
   */
  get hostPrerequisites(): ITerraformDependable[] {
    return [
      ...(this.link ? [this.link] : []),
      ...(this.egress?.snatEntries ?? []),
      ...(this.registryDns?.attachments ?? []),
      ...(this.consulServers?.instances ?? []),
    ];
  }

  private planConsulServers(props: NetworkProps, vpc: Cidr, hostCidrs: Cidr[], where: string): ConsulServers | undefined {
    const external = props.idc.spec.consulAddress;
    if (external !== undefined) {
      if (props.consulServers) throw new DcpError(`${where}: IDC "${props.idc.name}" names consulAddress ${external}; remove consulServers, or remove consulAddress to let the network create the servers`);
      const host = parseCidr(`${external.split(":")[0]}/32`);
      if (host && contains(vpc, host)) {
        throw new DcpError(
          `${where}: IDC "${props.idc.name}" consulAddress ${external} is inside the VPC ${this.cidrBlock} that this stack creates, where nothing runs a Consul server and ESS may give the address to a burst host; remove consulAddress (the network then creates the servers) or name a server outside the VPC`,
        );
      }
      return undefined;
    }
    const zones = props.idc.spec.zones;
    const count = props.consulServers?.count ?? 3;
    const cidrs = carveFromEnd(vpc, CONTROL_PREFIX, Math.min(count, zones.length));
    const clash = cidrs.find((c) => hostCidrs.some((h) => overlaps(c, h)));
    if (clash) throw new DcpError(`${where}: the Consul servers' vSwitch ${formatCidr(clash)} (the end of ${this.cidrBlock}) overlaps a host vSwitch; use a shorter vswitchPrefixLength or a larger cidrBlock`);
    return new ConsulServers(this, "consul", { ...props.consulServers, idc: props.idc, zones, cidrs: cidrs.map(formatCidr) });
  }

  private cenVariable(): TerraformVariable {
    const name = `${this.idc.name.replace(/-/g, "_")}_cen_instance_id`;
    const v = new TerraformVariable(this, "cen-instance-id", {
      type: "string",
      description: `CEN instance (cen-…) that carries the link from the private IDCs to IDC ${this.idc.name}; the VPC is attached to it`,
      validation: [{ condition: `\${can(regex("^cen-[0-9a-z]+$", var.${name}))}`, errorMessage: "A CEN instance id looks like cen-xxxxxxxx." }],
    });
    v.overrideLogicalId(name);
    return v;
  }

  private hostSecurityGroup(extra: IngressRule[]): SecurityGroup {
    const group = new SecurityGroup(this, "hosts", {
      securityGroupName: `dcp-${this.idc.name}-hosts`,
      description: "dcp hosts: service traffic inside the VPC; Docker and Consul HTTP only from the admin ranges",
      vpcId: this.vpc!.id,
    });
    // Hosts and servers talk freely inside the VPC (Serf gossip, service traffic), except
    // that no container on another host reaches a host's SSH, Docker API or Consul HTTP/DNS:
    // drop rules outrank the accept rule.
    for (const p of PROTECTED_PORTS.filter((p) => p.from !== 8300)) {
      ingress(this, `vpc-drop-${p.from}`, group, { protocol: "tcp", ports: [p.from, p.to], cidr: this.cidrBlock, description: `${p.what} not from inside the VPC`, policy: "drop" });
    }
    ingress(this, "vpc-drop-8600-udp", group, { protocol: "udp", ports: [8600, 8600], cidr: this.cidrBlock, description: "Consul DNS not from inside the VPC", policy: "drop" });
    ingress(this, "intra-vpc", group, { protocol: "all", ports: [1, 65535], cidr: this.cidrBlock, description: "inside the VPC", priority: 100 });
    this.adminCidrs.forEach((cidr, i) => {
      ingress(this, `admin-${i}-docker`, group, { protocol: "tcp", ports: [2376, 2376], cidr, description: "runtime to Docker (TLS)" });
      ingress(this, `admin-${i}-consul`, group, { protocol: "tcp", ports: [8500, 8500], cidr, description: "runtime to Consul HTTP (ACL)" });
    });
    extra.forEach((r, i) => {
      const [from, to] = typeof r.port === "number" ? [r.port, r.port] : r.port;
      ingress(this, `ingress-${i}`, group, { protocol: r.protocol ?? "tcp", ports: [from, to], cidr: r.cidr, description: r.description ?? "" });
    });
    return group;
  }
}

function carveHostVswitches(vpc: Cidr, requested: number | undefined, zones: number, where: string): Cidr[] {
  const prefix = requested ?? Math.min(29, vpc.prefix + 4);
  if (!Number.isInteger(prefix) || prefix < Math.max(16, vpc.prefix) || prefix > 29 || 2 ** (prefix - vpc.prefix) < zones) {
    throw new DcpError(
      `${where}: vswitchPrefixLength ${prefix} cannot carve ${zones} vSwitches out of ${formatCidr(vpc)}; use a length between /${Math.max(16, vpc.prefix + Math.ceil(Math.log2(zones)))} and /29`,
    );
  }
  return carve(vpc, prefix, zones);
}

function checkLink(link: IdcLinkProps, vpc: Cidr, where: string): string[] {
  if (!link || link.idcCidrs.length === 0) throw new DcpError(`${where}: idcLink.idcCidrs must list the private IDCs' address ranges that the link routes to this VPC`);
  link.idcCidrs.forEach((c, i) => {
    const parsed = parseCidr(c);
    if (!parsed || parsed.prefix < 8) throw new DcpError(`${where}: idcLink.idcCidrs[${i}] "${c}" must be an IPv4 network of /8 or longer`);
    if (overlaps(parsed, vpc)) throw new DcpError(`${where}: idcLink.idcCidrs[${i}] ${c} overlaps the VPC ${formatCidr(vpc)}; the link cannot route overlapping ranges`);
  });
  if (link.cenInstanceId !== undefined && !/^cen-[0-9a-z]+$/.test(link.cenInstanceId)) {
    throw new DcpError(`${where}: idcLink.cenInstanceId "${link.cenInstanceId}" is not a CEN instance id (cen-…)`);
  }
  return [...link.idcCidrs];
}

function checkAdminCidrs(admin: string[], idcCidrs: string[], where: string): string[] {
  const link = idcCidrs.map((c) => parseCidr(c)!);
  admin.forEach((c, i) => {
    const parsed = parseCidr(c);
    if (!parsed) throw new DcpError(`${where}: adminCidrs[${i}] "${c}" is not an IPv4 CIDR`);
    if (parsed.prefix === 0) throw new DcpError(`${where}: adminCidrs[${i}] is 0.0.0.0/0; list the control plane's own ranges`);
    if (!link.some((l) => contains(l, parsed))) {
      throw new DcpError(`${where}: adminCidrs[${i}] ${c} is not inside idcLink.idcCidrs (${idcCidrs.join(", ")}); the runtime reaches hosts only over the IDC link`);
    }
  });
  return [...admin];
}

function checkEnrolmentUrl(url: string, idcCidrs: string[], where: string): string {
  const m = /^https:\/\/([A-Za-z0-9.-]+)(:\d{1,5})?(\/[A-Za-z0-9._\/-]*)?$/.exec(url ?? "");
  if (!m) throw new DcpError(`${where}: hostEnrolmentUrl "${url}" must be an https:// URL of the enrolment service in the private IDC, e.g. "https://10.10.0.30:8443"`);
  const ip = parseCidr(`${m[1]}/32`);
  if (ip && !idcCidrs.some((c) => contains(parseCidr(c)!, ip))) {
    throw new DcpError(`${where}: hostEnrolmentUrl ${url} is not inside idcLink.idcCidrs (${idcCidrs.join(", ")}); hosts reach the enrolment service over the IDC link`);
  }
  return url.replace(/\/$/, "");
}

function checkIngress(r: IngressRule, where: string): void {
  const [from, to] = typeof r.port === "number" ? [r.port, r.port] : r.port;
  if (![from, to].every((p) => Number.isInteger(p) && p >= 1 && p <= 65535) || from > to) {
    throw new DcpError(`${where}: port must be 1-65535 or a range [from, to] with from <= to (got ${JSON.stringify(r.port)})`);
  }
  const cidr = parseCidr(r.cidr);
  if (!cidr) throw new DcpError(`${where}: cidr "${r.cidr}" is not an IPv4 CIDR`);
  // Any range wider than a /8 counts as the internet: it would still expose the port widely.
  const hit = cidr.prefix < 8 ? protectedPortIn(from, to) : undefined;
  if (hit) {
    throw new DcpError(
      `${where}: opens ${hit.what} (port ${hit.from === hit.to ? hit.from : `${hit.from}-${hit.to}`}) to ${r.cidr}; never expose it publicly — list the control plane's range in adminCidrs instead`,
    );
  }
}
