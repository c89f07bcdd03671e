/** A small DcpStack with the example topology, for construct and synth tests. */
import { App } from "cdktf";
import { join } from "node:path";
import { DcpStack, DcpStackProps, Fleet, FleetProps, HostBuffer, Idc, Network, NetworkProps } from "../../constructs";

export const PROJECT_DIR = join(__dirname, "..", "..");

export interface Topology {
  stack: DcpStack;
  yf: Idc;
  bj: Idc;
  network: Network;
  yfFleet: Fleet;
  bjFleet: Fleet;
}

/** Fleet options of the cloud fleet, for tests that need more (or fewer) hosts than the default 4,000. */
export interface TopologyOptions {
  bjFleet?: Pick<FleetProps, "maxHosts" | "maxHostsPerGroup">;
  network?: Pick<NetworkProps, "vswitchPrefixLength">;
}

export function topology(app: App, props: DcpStackProps = {}, id = "test", options: TopologyOptions = {}): Topology {
  const stack = new DcpStack(app, id, { projectDir: PROJECT_DIR, ...props });
  const yf = new Idc(stack, "yf-private", { kind: "private", zones: ["yf-a"], consulAddress: "10.10.0.10:8301" });
  const bj = new Idc(stack, "aliyun-bj", {
    kind: "cloud",
    region: "cn-beijing",
    zones: ["cn-beijing-h", "cn-beijing-i", "cn-beijing-j"],
  });
  const network = new Network(stack, "bj-network", {
    idc: bj,
    cidrBlock: "172.16.0.0/16",
    idcLink: { idcCidrs: ["10.10.0.0/16"] },
    hostEnrolmentUrl: "https://10.10.0.30:8443",
    imageRegistries: [{ host: "registry.local", address: "10.10.0.20" }],
    ...options.network,
  });
  const yfFleet = new Fleet(stack, "yf-standard", { idc: yf, hostClass: { cpu: 32, memoryMiB: 65536 }, freeHosts: 10 });
  const bjFleet = new Fleet(stack, "bj-standard", {
    idc: bj,
    network,
    hostClass: { cpu: 16, memoryMiB: 32768 },
    instanceTypes: ["ecs.c7.4xlarge", "ecs.c6.4xlarge", "ecs.c8i.4xlarge"],
    maxHosts: 4000,
    ...options.bjFleet,
  });
  new HostBuffer(stack, "bj-buffer", { fleet: bjFleet, hosts: 3 });
  return { stack, yf, bj, network, yfFleet, bjFleet };
}
