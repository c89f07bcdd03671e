import { Construct } from "constructs";
import { DcpError } from "../model/errors";
import { EssScalinggroupVserverGroups } from "../.gen/providers/alicloud/ess-scalinggroup-vserver-groups";
import { SlbListener } from "../.gen/providers/alicloud/slb-listener";
import { SlbLoadBalancer } from "../.gen/providers/alicloud/slb-load-balancer";
import { SlbServerGroup } from "../.gen/providers/alicloud/slb-server-group";
import { Fleet } from "./fleet";
import { isLocalProfile } from "./profile";
import { ServicePool } from "./service-pool";

export interface ListenerProps {
  /** Port the load balancer listens on. */
  readonly frontendPort: number;
  /** @default "tcp" */
  readonly protocol?: "tcp" | "http";
}

export interface LoadBalancerProps {
  /** The entry pool (e.g. nginx); its first port must be fixed (not 0) and receives the traffic. */
  readonly pool: ServicePool;
  /** The cloud fleet whose hosts the pool runs on; its scaling groups join the server group. */
  readonly fleet: Fleet;
  /** @default [{ frontendPort: 80, protocol: "tcp" }] */
  readonly listeners?: ListenerProps[];
  /** @default "slb.s2.small" */
  readonly loadBalancerSpec?: string;
  /** `internet` (public address) or `intranet` (in the fleet's first vSwitch). @default "internet" */
  readonly addressType?: "internet" | "intranet";
  /** Backend weight of each host in the server group (0-100). @default 100 */
  readonly hostWeight?: number;
}

/**
 * An SLB in front of the entry pool: listeners forward to a server group that the
 * cloud fleet's scaling groups fill (alicloud_ess_scalinggroup_vserver_groups), so new
 * hosts join it as ESS creates them.
 */
export class LoadBalancer extends Construct {
  readonly pool: ServicePool;
  readonly fleet: Fleet;
  readonly backendPort: number;
  readonly hostWeight: number;
  readonly slb?: SlbLoadBalancer;
  readonly serverGroup?: SlbServerGroup;

  constructor(scope: Construct, id: string, props: LoadBalancerProps) {
    super(scope, id);
    const where = `LoadBalancer ${this.node.path}`;
    this.pool = props.pool;
    this.fleet = props.fleet;
    const first = props.pool.pool.ports[0];
    if (!first || first.port === 0) {
      throw new DcpError(`${where}: entry pool "${props.pool.name}" needs a fixed first port (not 0) for the server group; set ports[0].port`);
    }
    this.backendPort = first.port;
    if (!props.fleet.idc.isCloud || !props.fleet.network) {
      throw new DcpError(`${where}: fleet "${props.fleet.name}" is private; an SLB fronts a cloud fleet`);
    }
    if (!props.pool.pool.idcs.includes(props.fleet.idc.name)) {
      throw new DcpError(`${where}: pool "${props.pool.name}" does not run in IDC "${props.fleet.idc.name}"; add it to the pool's idcs`);
    }
    const listeners = props.listeners ?? [{ frontendPort: 80, protocol: "tcp" }];
    if (listeners.length === 0) throw new DcpError(`${where}: listeners must list at least one listener`);
    listeners.forEach((l, i) => {
      if (!Number.isInteger(l.frontendPort) || l.frontendPort < 1 || l.frontendPort > 65535) {
        throw new DcpError(`${where}: listeners[${i}].frontendPort must be 1-65535 (got ${l.frontendPort})`);
      }
    });
    const dup = listeners.find((l, i) => listeners.findIndex((m) => m.frontendPort === l.frontendPort) !== i);
    if (dup) throw new DcpError(`${where}: two listeners on port ${dup.frontendPort}; use each frontend port once`);
    this.hostWeight = props.hostWeight ?? 100;
    if (!Number.isInteger(this.hostWeight) || this.hostWeight < 0 || this.hostWeight > 100) {
      throw new DcpError(`${where}: hostWeight must be an integer 0-100 (got ${this.hostWeight})`);
    }
    const addressType = props.addressType ?? "internet";

    if (isLocalProfile(this)) return;
    const network = props.fleet.network;
    this.slb = new SlbLoadBalancer(this, "slb", {
      loadBalancerName: `dcp-${props.pool.name}`,
      addressType,
      loadBalancerSpec: props.loadBalancerSpec ?? "slb.s2.small",
      paymentType: "PayAsYouGo",
      ...(addressType === "internet" ? { internetChargeType: "PayByTraffic" } : { vswitchId: network.vswitches[0].id }),
    });
    this.serverGroup = new SlbServerGroup(this, "servers", {
      loadBalancerId: this.slb.id,
      name: `dcp-${props.pool.name}`,
    });
    const health = props.pool.pool.healthCheck;
    listeners.forEach((l) => {
      const protocol = l.protocol ?? "tcp";
      new SlbListener(this, `listener-${l.frontendPort}`, {
        loadBalancerId: this.slb!.id,
        frontendPort: l.frontendPort,
        protocol,
        serverGroupId: this.serverGroup!.id,
        bandwidth: -1,
        healthCheck: "on",
        ...(protocol === "http" && health
          ? { healthCheckUri: health.path, healthCheckInterval: health.intervalSeconds, healthCheckTimeout: health.timeoutSeconds, stickySession: "off" }
          : { healthCheckType: "tcp" }),
      });
    });
  }

  /** Attaches the fleet's scaling groups (known after sizing) to the server group. */
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
