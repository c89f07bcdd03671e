/**
 * Builds synth snapshots for review tests the way synth does (dependency ratios, then
 * fleet sizing), over the example topology: yf-private (32c/64g hosts, 4 declared free,
 * buffer 1) and aliyun-bj (16c/32g hosts, buffer 2).
 */
import { resolveDependencies } from "../../../model/dependencies";
import { sizeFleets } from "../../../constructs/sizing";
import { CONTAINER_TYPES, ContainerTypeName } from "../../../model/container-types";
import { ChargeType, DesiredState, PoolSpec } from "../../../model/desired-state";
import { SynthSnapshot } from "../../../review/types";

export interface PoolInput {
  name: string;
  type: ContainerTypeName;
  replicas: number;
  idcs?: string[];
  owner?: string;
  dependencies?: Array<{ pool: string; ratio: number }>;
  constraints?: string[];
  image?: string;
}

export interface ScenarioOptions {
  instanceTypes?: string[];
  chargeType?: ChargeType;
  cloudBuffer?: number;
  /** Extra security group rules, by name. */
  rules?: Record<string, object>;
  cloudZones?: string[];
}

export function snapshot(source: string, pools: PoolInput[], options: ScenarioOptions = {}): SynthSnapshot {
  const idcs: DesiredState["idcs"] = [
    { name: "yf-private", kind: "private", zones: ["yf-a"], consulAddress: "10.0.0.2:8500", cloudWeightFactor: 1 },
    { name: "aliyun-bj", kind: "cloud", region: "cn-beijing", zones: options.cloudZones ?? ["cn-beijing-h", "cn-beijing-i", "cn-beijing-j"], consulAddress: "10.1.0.2:8500", cloudWeightFactor: 0.8 },
  ];
  const fleetInputs = [
    { name: "yf-standard", idc: "yf-private", hostClass: { cpu: 32, memoryMiB: 65536 }, bufferHosts: 1, freeHosts: 4, instanceTypes: [], chargeType: "PrePaid" as ChargeType },
    { name: "bj-standard", idc: "aliyun-bj", hostClass: { cpu: 16, memoryMiB: 32768 }, bufferHosts: options.cloudBuffer ?? 2, freeHosts: 0, instanceTypes: options.instanceTypes ?? ["ecs.c7.4xlarge", "ecs.c6.4xlarge", "ecs.c8i.4xlarge"], chargeType: options.chargeType ?? "PostPaid" },
  ];
  const effective = resolveDependencies(pools.map((p) => ({ name: p.name, replicas: p.replicas, dependencies: p.dependencies ?? [] })));
  const specs: PoolSpec[] = pools.map((p) => ({
    name: p.name,
    image: p.image ?? `registry.local/${p.name}:1`,
    containerType: p.type,
    replicas: p.replicas,
    effectiveReplicas: effective.get(p.name)!,
    idcs: p.idcs ?? ["aliyun-bj"],
    // A dynamic port: these scenarios pack containers by resources (a fixed port would take a host each).
    ports: [{ name: "http", port: 0 }],
    placement: { strategy: "spread", constraints: p.constraints ?? [] },
    dependencies: p.dependencies ?? [],
    owner: p.owner ?? "feed-team",
    env: {},
    source: `stacks/pools/${p.name}.yaml:1`,
  }));
  const sized = sizeFleets(
    idcs.map((i) => ({ name: i.name, kind: i.kind })),
    fleetInputs,
    specs.map((p) => ({ name: p.name, replicas: p.replicas, container: CONTAINER_TYPES[p.containerType], effectiveReplicas: p.effectiveReplicas, idcs: p.idcs, antiAffinity: false })),
  );
  const fleets = fleetInputs.map((f) => {
    const s = sized.fleets.find((x) => x.fleet === f.name)!;
    return { ...f, hostsForPools: s.hostsForPools, desiredHosts: s.desiredHosts };
  });
  const bj = fleets[1];
  const terraform = {
    provider: { alicloud: [{ region: "cn-beijing" }] },
    resource: {
      alicloud_ess_scaling_group: {
        "bj-standard": { "//": { metadata: { path: "dcp/bj-standard" } }, scaling_group_name: "bj-standard", desired_capacity: bj.desiredHosts, min_size: 0, max_size: Math.max(bj.desiredHosts * 2, 10), multi_az_policy: "PRIORITY", vswitch_ids: ["${alicloud_vswitch.h.id}", "${alicloud_vswitch.i.id}"] },
      },
      alicloud_ess_scaling_configuration: {
        "bj-standard": { scaling_group_id: "${alicloud_ess_scaling_group.bj-standard.id}", instance_types: bj.instanceTypes, instance_charge_type: bj.chargeType, tags: { "dcp:fleet": "bj-standard" } },
      },
      alicloud_security_group_rule: {
        "http-in": { type: "ingress", ip_protocol: "tcp", port_range: "80/80", cidr_ip: "0.0.0.0/0", policy: "accept", security_group_id: "${alicloud_security_group.sg.id}" },
        "ssh-office": { type: "ingress", ip_protocol: "tcp", port_range: "22/22", cidr_ip: "10.8.0.0/16", policy: "accept", security_group_id: "${alicloud_security_group.sg.id}" },
        ...(options.rules ?? {}),
      },
    },
  };
  return { source, stacks: [{ name: "dcp", terraform }], desired: { version: 1, idcs, fleets, pools: specs } };
}

/** The example pools: feed-api with a feed-cache dependency at ratio 0.2, hongbao and remind. */
export function examplePools(overrides: Partial<Record<string, Partial<PoolInput>>> = {}): PoolInput[] {
  const pools: PoolInput[] = [
    { name: "feed-api", type: "dP02", replicas: 120, dependencies: [{ pool: "feed-cache", ratio: 0.2 }] },
    { name: "feed-cache", type: "dP03", replicas: 0 },
    { name: "hongbao-api", type: "dP02", replicas: 40, owner: "hongbao-team" },
    { name: "remind-api", type: "dP01", replicas: 16, owner: "remind-team", idcs: ["yf-private", "aliyun-bj"] },
  ];
  return pools.map((p) => ({ ...p, ...(overrides[p.name] ?? {}) }));
}
