/**
 * No security group rule opens an administrative port (SSH, Docker, Consul) to the
 * internet. Scans the synthesized Terraform of every stack, so a rule added by hand in
 * a stack is caught as well as one from the Network construct.
 */
import { PolicyCheck, PolicyConfigBase } from "../types";

export interface PublicPortsConfig extends PolicyConfigBase {
  /** Ports that must never be reachable from 0.0.0.0/0 or ::/0. */
  ports: number[];
}

export const publicPorts: PolicyCheck<PublicPortsConfig> = {
  name: "no-public-admin-ports",
  description: "no security group rule opens SSH, Docker or Consul ports to the internet",
  check({ head }, config) {
    const out: string[] = [];
    for (const stack of head.stacks) {
      const rules = stack.terraform?.resource?.alicloud_security_group_rule ?? {};
      for (const [name, rule] of Object.entries<any>(rules)) {
        if (rule.type !== "ingress" || rule.policy === "drop") continue;
        const open = rule.cidr_ip === "0.0.0.0/0" || rule.ipv6_cidr_ip === "::/0";
        if (!open) continue;
        const [from, to] = portRange(rule.port_range, rule.ip_protocol);
        const exposed = config.ports.filter((p) => p >= from && p <= to);
        if (exposed.length > 0) {
          out.push(`${stack.name}: alicloud_security_group_rule.${name} opens port ${exposed.join(", ")} (${rule.ip_protocol} ${rule.port_range}) to ${rule.cidr_ip ?? rule.ipv6_cidr_ip}; restrict the source CIDR`);
        }
      }
    }
    return out;
  },
};

/** Alibaba Cloud writes ranges as "from/to"; "-1/-1" (or protocol all/icmp…) means every port. */
function portRange(range: unknown, protocol: unknown): [number, number] {
  if (protocol === "all") return [1, 65535];
  if (protocol !== "tcp" && protocol !== "udp") return [0, -1];
  const m = /^(-?\d+)\/(-?\d+)$/.exec(String(range ?? ""));
  if (!m || m[1] === "-1") return [1, 65535];
  return [Number(m[1]), Number(m[2])];
}
