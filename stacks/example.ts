/**
 * The example platform, modelled on Weibo's DCP: a private IDC (yf-private) with
 * declared free capacity, and Alibaba Cloud Beijing (aliyun-bj) for bursts. Pools come
 * from the YAML files in stacks/pools/ (one per pool, reviewed in pull requests) plus
 * pools written in TypeScript below.
 */
import { Construct } from "constructs";
import { join } from "node:path";
import { DcpStack, DcpStackProps, Fleet, HostBuffer, Idc, LoadBalancer, Network, ServicePool } from "../constructs";
import { loadPoolFiles } from "../constructs/pool-files/load";
import { PoolDefinition } from "../model/desired-state";

export interface ExampleStackProps extends DcpStackProps {
  /** @default "<projectDir>/stacks/pools" */
  readonly poolsDir?: string;
}

/** Pools that are easier to write in TypeScript than in YAML. */
export const TYPESCRIPT_POOLS: PoolDefinition[] = [
  {
    // Background jobs that fan out new posts into followers' feeds. No fixed port: the
    // runtime picks one per container and passes it as PORT.
    name: "feed-fanout",
    image: "registry.local/feed/feed-fanout:1.4.2",
    containerType: "dP01",
    replicas: 16,
    idcs: ["yf-private", "aliyun-bj"],
    ports: [{ name: "http", port: 0 }],
    healthCheck: { path: "/health", port: 0 },
    placement: { strategy: "binpack" },
    owner: "feed-team",
    costCentre: "cc-feed",
    env: { FEED_QUEUE: "feed-fanout" },
  },
];

export class ExampleStack extends DcpStack {
  constructor(scope: Construct, id: string, props: ExampleStackProps = {}) {
    super(scope, id, { owner: "platform-team", costCentre: "cc-platform", ...props });

    const yf = new Idc(this, "yf-private", {
      kind: "private",
      zones: ["yf-a"],
      consulAddress: "10.10.0.10:8301",
    });
    const yfFleet = new Fleet(this, "yf-standard", {
      idc: yf,
      hostClass: { cpu: 32, memoryMiB: 64 * 1024 },
      // Hosts of the shared private pool that are free for these services today.
      freeHosts: 20,
    });
    new HostBuffer(this, "yf-buffer", { fleet: yfFleet, hosts: 2 });

    const bj = new Idc(this, "aliyun-bj", {
      kind: "cloud",
      region: "cn-beijing",
      zones: ["cn-beijing-h", "cn-beijing-i", "cn-beijing-j"],
      // No consulAddress: the network creates the region's Consul servers on fixed addresses.
      cloudWeightFactor: 0.8,
    });
    const bjNetwork = new Network(this, "bj-network", {
      idc: bj,
      cidrBlock: "172.16.0.0/16",
      // A /19 per zone: every zone's groups may hold all of bj-standard and bj-entry (spill-over).
      vswitchPrefixLength: 19,
      // yf-private reaches the VPC over its Express Connect circuit, carried by CEN; the
      // runtime there reaches cloud hosts over it (adminCidrs default to these ranges).
      idcLink: { idcCidrs: ["10.10.0.0/16"] },
      // Next to the runtime in yf-private: signs each cloud host's certificate.
      hostEnrolmentUrl: "https://10.10.0.30:8443",
      // Pool images name registry.local, yf-private's registry; inside the VPC the name
      // resolves to it over the link.
      imageRegistries: [{ host: "registry.local", address: "10.10.0.20" }],
    });
    const bjFleet = new Fleet(this, "bj-standard", {
      idc: bj,
      network: bjNetwork,
      hostClass: { cpu: 16, memoryMiB: 32 * 1024 },
      instanceTypes: ["ecs.c7.4xlarge", "ecs.c6.4xlarge", "ecs.c8i.4xlarge"],
      chargeType: "PostPaid",
      // Room for a breaking-news burst (feed-api at 40× needs about 4,800 hosts: one per
      // container, its port is fixed); it fixes the scaling groups: 10 of up to 500 in each zone.
      maxHosts: 5000,
    });
    new HostBuffer(this, "bj-buffer", { fleet: bjFleet, hosts: 10 });
    // The entry tier's own hosts: each is an SLB backend and runs one nginx-entry.
    const bjEntry = new Fleet(this, "bj-entry", {
      idc: bj,
      network: bjNetwork,
      hostClass: { cpu: 8, memoryMiB: 16 * 1024 },
      instanceTypes: ["ecs.c7.2xlarge", "ecs.c6.2xlarge"],
      maxHosts: 200,
    });

    const projectDir = this.projectDir;
    const pools = [...loadPoolFiles(props.poolsDir ?? join(projectDir, "stacks", "pools")), ...TYPESCRIPT_POOLS];
    const byName = new Map(pools.map((p) => [p.name, new ServicePool(this, p.name, p)]));

    const entry = byName.get("nginx-entry");
    if (entry) new LoadBalancer(this, "entry", { pool: entry, fleet: bjEntry, listeners: [{ frontendPort: 80 }] });
  }
}
