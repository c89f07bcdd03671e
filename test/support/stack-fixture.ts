/** A small DcpStack with the example topology, for construct and synth tests. */
import { App } from "cdktf";
import { join } from "node:path";
import { DcpStack, DcpStackProps, Fleet, HostBuffer, Idc, Network } from "../../constructs";

export const PROJECT_DIR = join(__dirname, "..", "..");

export interface Topology {
  stack: DcpStack;
  yf: Idc;
  bj: Idc;
  network: Network;
  yfFleet: Fleet;
  bjFleet: Fleet;
}

export function topology(app: App, props: DcpStackProps = {}, id = "test"): Topology {
  const stack = new DcpStack(app, id, { projectDir: PROJECT_DIR, ...props });
  const yf = new Idc(stack, "yf-private", { kind: "private", zones: ["yf-a"], consulAddress: "10.10.0.10:8301" });
  const bj = new Idc(stack, "aliyun-bj", {
    kind: "cloud",
    region: "cn-beijing",
    zones: ["cn-beijing-h", "cn-beijing-i", "cn-beijing-j"],
    consulAddress: "172.16.0.10:8301",
  });
  const network = new Network(stack, "bj-network", { idc: bj, cidrBlock: "172.16.0.0/16", adminCidrs: ["10.10.0.0/16"] });
  const yfFleet = new Fleet(stack, "yf-standard", { idc: yf, hostClass: { cpu: 32, memoryMiB: 65536 }, freeHosts: 10 });
  const bjFleet = new Fleet(stack, "bj-standard", {
    idc: bj,
    network,
    hostClass: { cpu: 16, memoryMiB: 32768 },
    instanceTypes: ["ecs.c7.4xlarge", "ecs.c6.4xlarge", "ecs.c8i.4xlarge"],
  });
  new HostBuffer(stack, "bj-buffer", { fleet: bjFleet, hosts: 3 });
  return { stack, yf, bj, network, yfFleet, bjFleet };
}
