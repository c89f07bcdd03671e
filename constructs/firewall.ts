/** Security-group rules: the one way constructs open (or close) a port. */
import { Construct } from "constructs";
import { SecurityGroup } from "../.gen/providers/alicloud/security-group";
import { SecurityGroupRule } from "../.gen/providers/alicloud/security-group-rule";

/** Ports that must never face the internet: SSH, Docker API, Consul RPC/Serf/HTTP/DNS. */
export const PROTECTED_PORTS: Array<{ from: number; to: number; what: string }> = [
  { from: 22, to: 22, what: "SSH" },
  { from: 2375, to: 2376, what: "Docker API" },
  { from: 8300, to: 8302, what: "Consul RPC/Serf" },
  { from: 8500, to: 8500, what: "Consul HTTP" },
  { from: 8600, to: 8600, what: "Consul DNS" },
];

/** The protected port range that [from, to] touches, if any. */
export function protectedPortIn(from: number, to: number): (typeof PROTECTED_PORTS)[number] | undefined {
  return PROTECTED_PORTS.find((p) => from <= p.to && to >= p.from);
}

export interface Rule {
  readonly protocol: "tcp" | "udp" | "all";
  /** Inclusive; ignored for protocol `all`. */
  readonly ports: readonly [number, number];
  readonly cidr: string;
  readonly description: string;
  /** @default "accept" */
  readonly policy?: "accept" | "drop";
  /**
   * 1 (first) to 100. Within one priority a drop rule wins over an accept rule.
   * @default 1
   */
  readonly priority?: number;
}

/** An ingress rule of `group`. */
export function ingress(scope: Construct, id: string, group: SecurityGroup, rule: Rule): SecurityGroupRule {
  return new SecurityGroupRule(scope, id, {
    securityGroupId: group.id,
    type: "ingress",
    ipProtocol: rule.protocol,
    portRange: rule.protocol === "all" ? "-1/-1" : `${rule.ports[0]}/${rule.ports[1]}`,
    cidrIp: rule.cidr,
    nicType: "intranet",
    policy: rule.policy ?? "accept",
    priority: rule.priority ?? 1,
    description: rule.description,
  });
}
