import { Construct } from "constructs";
import { DcpError } from "../model/errors";
import { EssScalinggroupVserverGroups } from "../.gen/providers/alicloud/ess-scalinggroup-vserver-groups";
import { SecurityGroup } from "../.gen/providers/alicloud/security-group";
import { SlbAcl } from "../.gen/providers/alicloud/slb-acl";
import { SlbListener } from "../.gen/providers/alicloud/slb-listener";
import { SlbLoadBalancer } from "../.gen/providers/alicloud/slb-load-balancer";
import { SlbServerGroup } from "../.gen/providers/alicloud/slb-server-group";
import { parseCidr } from "./cidr";
import { ingress, protectedPortIn } from "./firewall";
import { Fleet } from "./fleet";
import { Network } from "./network";
import { isLocalProfile } from "./profile";
import { ServicePool } from "./service-pool";

/** A CLB instance takes 200 backend servers by default. */
export const MAX_CLB_BACKENDS = 200;
/** Entries one CLB access control list holds (provider: resource_alicloud_slb_acl.go, entry_list MaxItems). */
export const MAX_ACL_ENTRIES = 300;
/** Where CLB health checks (and layer-7 forwarding) come from. */
export const CLB_SOURCE_CIDR = "100.64.0.0/10";

export interface ListenerProps {
  /** Port the load balancer listens on. */
  readonly frontendPort: number;
  /** @default "tcp" */
  readonly protocol?: "tcp" | "http";
}

export interface LoadBalancerProps {
  /**
   * The entry pool (e.g. nginx): its first port must be fixed (not 0) and receives the
   * traffic; one container per host (`antiAffinity: host`); it runs only in the fleet's IDC.
   */
  readonly pool: ServicePool;
  /**
   * The cloud fleet of the entry pool, and of nothing else: every one of its hosts is a
   * backend, and no other pool is placed there. At most 200 hosts (`maxHosts`), the CLB's
   * default backend quota.
   */
  readonly fleet: Fleet;
  /** @default [{ frontendPort: 80, protocol: "tcp" }] */
  readonly listeners?: ListenerProps[];
  /** `internet` (public address) or `intranet` (in the fleet's first vSwitch). @default "internet" */
  readonly addressType?: "internet" | "intranet";
  /**
   * Source ranges of the clients. A layer-4 CLB passes the client's own address to the
   * host, so the backend port is opened to these ranges on the entry hosts, and the
   * listeners' ACL (a whitelist) admits only them.
   * @default ["0.0.0.0/0"] for internet; the VPC's and the IDC link's ranges for intranet
   */
  readonly clientCidrs?: string[];
  /** Backend weight of each host in the server group (0-100). @default 100 */
  readonly hostWeight?: number;
}

/**
 * A pay-by-CLCU CLB in front of the entry pool: listeners forward to a server group that
 * the entry fleet's scaling groups fill (alicloud_ess_scalinggroup_vserver_groups), so new
 * hosts join it as ESS creates them; an ACL and the entry hosts' security group admit the
 * clients and the CLB's health checks, never an admin port.
 */
export class LoadBalancer extends Construct {
  readonly pool: ServicePool;
  readonly fleet: Fleet;
  readonly backendPort: number;
  readonly hostWeight: number;
  readonly clientCidrs: string[];
  readonly slb?: SlbLoadBalancer;
  readonly serverGroup?: SlbServerGroup;
  readonly acl?: SlbAcl;
  readonly securityGroup?: SecurityGroup;

  constructor(scope: Construct, id: string, props: LoadBalancerProps) {
    super(scope, id);
    const where = `LoadBalancer ${this.node.path}`;
    this.pool = props.pool;
    this.fleet = props.fleet;
    this.backendPort = checkEntryPool(props, where);
    const network = props.fleet.network!;
    const addressType = props.addressType ?? "internet";
    this.clientCidrs = checkClients(props.clientCidrs ?? (addressType === "internet" ? ["0.0.0.0/0"] : [network.cidrBlock, ...network.idcCidrs]), where);
    const listeners = checkListeners(props.listeners ?? [{ frontendPort: 80, protocol: "tcp" }], where);
    this.hostWeight = props.hostWeight ?? 100;
    if (!Number.isInteger(this.hostWeight) || this.hostWeight < 0 || this.hostWeight > 100) {
      throw new DcpError(`${where}: hostWeight must be an integer 0-100 (got ${this.hostWeight})`);
    }

    if (isLocalProfile(this)) {
      props.fleet.dedicate(props.pool.name, where);
      return;
    }
    this.securityGroup = this.entrySecurityGroup(network);
    props.fleet.dedicate(props.pool.name, where, this.securityGroup);
    this.slb = new SlbLoadBalancer(this, "slb", {
      loadBalancerName: `dcp-${props.pool.name}`,
      addressType,
      // Pay-by-specification CLB is no longer sold (2025-06-01); pay by CLCU has no spec.
      instanceChargeType: "PayByCLCU",
      paymentType: "PayAsYouGo",
      deleteProtection: "on",
      ...(addressType === "internet" ? { internetChargeType: "PayByTraffic" } : { vswitchId: network.vswitches[0].id }),
    });
    this.serverGroup = new SlbServerGroup(this, "servers", { loadBalancerId: this.slb.id, name: `dcp-${props.pool.name}` });
    this.acl = new SlbAcl(this, "clients", {
      name: `dcp-${props.pool.name}-clients`,
      ipVersion: "ipv4",
      entryList: this.clientCidrs.map((entry) => ({ entry, comment: "client range" })),
    });
    listeners.forEach((l) => this.listener(l));
  }

  private entrySecurityGroup(network: Network): SecurityGroup {
    const group = new SecurityGroup(this, "entry-hosts", {
      securityGroupName: `dcp-${this.pool.name}-entry`,
      description: `dcp ${this.pool.name} hosts: port ${this.backendPort} from clients and CLB health checks`,
      vpcId: network.vpc!.id,
    });
    const port = [this.backendPort, this.backendPort] as const;
    this.clientCidrs.forEach((cidr, i) => ingress(this, `client-${i}`, group, { protocol: "tcp", ports: port, cidr, description: "clients through the CLB (layer 4 keeps their address)" }));
    ingress(this, "clb", group, { protocol: "tcp", ports: port, cidr: CLB_SOURCE_CIDR, description: "CLB health checks" });
    return group;
  }

  private listener(l: ListenerProps): void {
    const protocol = l.protocol ?? "tcp";
    const health = this.pool.pool.healthCheck;
    new SlbListener(this, `listener-${l.frontendPort}`, {
      loadBalancerId: this.slb!.id,
      frontendPort: l.frontendPort,
      protocol,
      serverGroupId: this.serverGroup!.id,
      bandwidth: -1,
      aclStatus: "on",
      aclType: "white",
      aclIds: [this.acl!.id],
      healthCheck: "on",
      ...(protocol === "http" && health
        ? { healthCheckUri: health.path, healthCheckInterval: health.intervalSeconds, healthCheckTimeout: health.timeoutSeconds, stickySession: "off" }
        : { healthCheckType: "tcp" }),
    });
  }

  /** Attaches the entry fleet's scaling groups (known after sizing), and only those, to the server group. */
  attachScalingGroups(): void {
    if (!this.slb || !this.serverGroup) return;
    this.fleet.scalingGroups.forEach((group, i) => {
      new EssScalinggroupVserverGroups(this, `attach-${i + 1}`, {
        scalingGroupId: group.id,
        vserverGroups: [
          {
            loadbalancerId: this.slb!.id,
            vserverAttributes: [{ vserverGroupId: this.serverGroup!.id, port: this.backendPort, weight: this.hostWeight }],
          },
        ],
      });
    });
  }
}

/** The entry pool's backend port, after checking that pool and fleet fit a load balancer. */
function checkEntryPool(props: LoadBalancerProps, where: string): number {
  const { pool, fleet } = props;
  const first = pool.pool.ports[0];
  if (!first || first.port === 0) {
    throw new DcpError(`${where}: entry pool "${pool.name}" needs a fixed first port (not 0) for the server group; set ports[0].port`);
  }
  if (!fleet.idc.isCloud || !fleet.network) throw new DcpError(`${where}: fleet "${fleet.name}" is private; an SLB fronts a cloud fleet`);
  if (!pool.pool.idcs.includes(fleet.idc.name)) throw new DcpError(`${where}: pool "${pool.name}" does not run in IDC "${fleet.idc.name}"; add it to the pool's idcs`);
  if (pool.pool.idcs.length !== 1) {
    throw new DcpError(`${pool.sourceOf("idcs")}: pool "${pool.name}" is the entry pool behind ${where}; it runs only on that fleet, so list only IDC "${fleet.idc.name}" in idcs`);
  }
  if (pool.pool.placement.antiAffinity !== "host") {
    throw new DcpError(`${pool.sourceOf("placement")}: pool "${pool.name}" is the entry pool behind ${where}: every host of its fleet is a backend on port ${first.port}, so it needs placement.antiAffinity: host`);
  }
  const hit = protectedPortIn(first.port, first.port);
  if (hit) throw new DcpError(`${where}: entry pool "${pool.name}" listens on ${hit.what} port ${first.port}; a load balancer never forwards to an admin port`);
  if (fleet.maxHosts > MAX_CLB_BACKENDS) {
    throw new DcpError(`${where}: fleet "${fleet.name}" may grow to ${fleet.maxHosts} hosts (maxHosts) but a CLB takes ${MAX_CLB_BACKENDS} backend servers by default; set the fleet's maxHosts to at most ${MAX_CLB_BACKENDS}`);
  }
  return first.port;
}

function checkClients(cidrs: string[], where: string): string[] {
  if (cidrs.length === 0 || cidrs.length > MAX_ACL_ENTRIES) throw new DcpError(`${where}: clientCidrs must list 1 to ${MAX_ACL_ENTRIES} ranges, what one CLB access control list holds (got ${cidrs.length})`);
  cidrs.forEach((c, i) => {
    if (!parseCidr(c)) throw new DcpError(`${where}: clientCidrs[${i}] "${c}" is not an IPv4 CIDR`);
  });
  return [...cidrs];
}

function checkListeners(listeners: ListenerProps[], where: string): ListenerProps[] {
  if (listeners.length === 0) throw new DcpError(`${where}: listeners must list at least one listener`);
  listeners.forEach((l, i) => {
    if (!Number.isInteger(l.frontendPort) || l.frontendPort < 1 || l.frontendPort > 65535) {
      throw new DcpError(`${where}: listeners[${i}].frontendPort must be 1-65535 (got ${l.frontendPort})`);
    }
  });
  const dup = listeners.find((l, i) => listeners.findIndex((m) => m.frontendPort === l.frontendPort) !== i);
  if (dup) throw new DcpError(`${where}: two listeners on port ${dup.frontendPort}; use each frontend port once`);
  return listeners;
}
