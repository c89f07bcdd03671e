import fc from "fast-check";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Fleet, LoadBalancer, ServicePool } from "../../../constructs";
import { protectedPortIn } from "../../../constructs/firewall";
import { synthesize, synthesizeStacks } from "../../../constructs/synthesize";
import { CONTAINER_TYPE_NAMES } from "../../../model/container-types";
import { PoolDefinition } from "../../../model/desired-state";
import { schemaProblems } from "../../support/schema-check";
import { PROJECT_DIR, topology } from "../../support/stack-fixture";

let example: any;
beforeAll(async () => {
  example = (await synthesize(PROJECT_DIR, { profile: "cloud" })).stacks[0].terraform;
});
const copy = () => JSON.parse(JSON.stringify(example));
const firstOf = (tf: any, type: string) => Object.values<any>(tf.resource[type])[0];

describe("schema conformance of the example stack", () => {
  it("uses only resource types and attributes of the provider schema, correctly typed", () => {
    expect(Object.keys(example.resource).sort()).toEqual([
      "alicloud_cen_instance_attachment",
      "alicloud_eip_address",
      "alicloud_eip_association",
      "alicloud_ess_lifecycle_hook",
      "alicloud_ess_scaling_configuration",
      "alicloud_ess_scaling_group",
      "alicloud_ess_scalinggroup_vserver_groups",
      "alicloud_instance",
      "alicloud_nat_gateway",
      "alicloud_pvtz_zone",
      "alicloud_pvtz_zone_attachment",
      "alicloud_pvtz_zone_record",
      "alicloud_security_group",
      "alicloud_security_group_rule",
      "alicloud_slb_acl",
      "alicloud_slb_listener",
      "alicloud_slb_load_balancer",
      "alicloud_slb_server_group",
      "alicloud_snat_entry",
      "alicloud_vpc",
      "alicloud_vswitch",
      "terraform_data",
    ]);
    expect(schemaProblems(example)).toEqual([]);
  });
});

describe("the schema checker", () => {
  it("reports an unknown resource type and attribute", () => {
    const tf = copy();
    tf.resource.alicloud_instance_magic = { x: { a: 1 } };
    firstOf(tf, "alicloud_vpc").vpc_nmae = "typo";
    expect(schemaProblems(tf)).toEqual(
      expect.arrayContaining([
        "resource.alicloud_instance_magic: not a resource type of the provider schema",
        expect.stringMatching(/^resource\.alicloud_vpc\.[^.]+\.vpc_nmae: no such attribute or block$/),
      ]),
    );
  });
  it("reports removed, read-only, mistyped and missing attributes and blocks", () => {
    const tf = copy();
    firstOf(tf, "alicloud_slb_load_balancer").internet = true;
    firstOf(tf, "alicloud_vpc").router_id = "vrt-1";
    firstOf(tf, "alicloud_vswitch").availability_zone = "cn-beijing-h";
    firstOf(tf, "alicloud_ess_scaling_group").desired_capacity = "forty";
    firstOf(tf, "alicloud_ess_scaling_group").vswitch_ids = "vsw-1";
    delete firstOf(tf, "alicloud_security_group_rule").type;
    delete firstOf(tf, "alicloud_ess_scalinggroup_vserver_groups").vserver_groups;
    const problems = schemaProblems(tf).join("\n");
    expect(problems).toMatch(/alicloud_slb_load_balancer\.[^.]+\.internet: removed from the provider/);
    expect(problems).toMatch(/alicloud_vpc\.[^.]+\.router_id: read-only/);
    expect(problems).toMatch(/alicloud_vswitch\.[^.]+\.availability_zone: deprecated/);
    expect(problems).toMatch(/desired_capacity: expected number, got "forty"/);
    expect(problems).toMatch(/vswitch_ids: expected set/);
    expect(problems).toMatch(/alicloud_security_group_rule\.[^.]+\.type: required attribute missing/);
    expect(problems).toMatch(/vserver_groups: required block missing/);
  });
  it("checks nested blocks and the provider configuration", () => {
    const tf = copy();
    firstOf(tf, "alicloud_ess_scalinggroup_vserver_groups").vserver_groups[0].vserver_attributes[0].weight = "heavy";
    tf.provider.alicloud[0].regoin = "cn-beijing";
    const problems = schemaProblems(tf).join("\n");
    expect(problems).toMatch(/vserver_groups\[0\]\.vserver_attributes\[0\]\.weight: expected number/);
    expect(problems).toMatch(/provider\.alicloud\[0\]\.regoin: no such attribute or block/);
  });
});

describe("schema conformance of random valid pool sets (property)", () => {
  let outdir: string;
  beforeAll(() => (outdir = mkdtempSync(join(tmpdir(), "dcp-schema-prop-"))));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  const poolSet = fc
    .array(
      fc.record({
        type: fc.constantFrom(...CONTAINER_TYPE_NAMES),
        replicas: fc.integer({ min: 0, max: 200 }),
        idcs: fc.constantFrom(["yf-private", "aliyun-bj"], ["aliyun-bj"], ["yf-private"], ["aliyun-bj", "yf-private"]),
        port: fc.option(fc.integer({ min: 0, max: 65535 }), { nil: undefined }),
        upstream: fc.boolean(),
        anti: fc.boolean(),
        strategy: fc.constantFrom("binpack", "spread", "random") as fc.Arbitrary<"binpack" | "spread" | "random">,
        ratio: fc.option(fc.integer({ min: 1, max: 100 }).map((n) => n / 100), { nil: undefined }),
      }),
      // Ratios chain: at most 200 × (2⁶ − 1) = 12,600 containers, one host each at worst (a fixed
      // port), within bj-standard's 16,000 hosts. Larger sets are refused before sizing.
      { minLength: 1, maxLength: 6 },
    )
    .map((specs) =>
      specs.map((s, i): PoolDefinition => ({
        name: `pool-${i}`,
        image: `registry.local/team/pool-${i}:1.0.${i}`,
        containerType: s.type,
        replicas: s.replicas,
        idcs: [...s.idcs],
        ...(s.port === undefined ? {} : { ports: [{ name: "http", port: s.port }] }),
        ...(s.port !== undefined && s.upstream ? { upstream: { name: `pool_${i}` } } : {}),
        placement: { strategy: s.strategy, ...(s.anti ? { antiAffinity: "host" as const } : {}) },
        // Only on later pools: acyclic by construction.
        ...(s.ratio !== undefined && i + 1 < specs.length ? { dependencies: [{ pool: `pool-${i + 1}`, ratio: s.ratio }] } : {}),
        owner: `team-${i % 3}`,
      })),
    );

  it("every synthesized resource conforms, and desired_capacity is the sized fleet", () => {
    fc.assert(
      fc.property(poolSet, (pools) => {
        const result = synthesizeStacks((app) => {
          const t = topology(app, {}, "test", { bjFleet: { maxHosts: 16000, maxHostsPerGroup: 1000 }, network: { vswitchPrefixLength: 18 } });
          const made = pools.map((p) => new ServicePool(t.stack, p.name, p));
          // pool-0 is no pool's dependency, so its replicas are its own: an entry pool when it can be one.
          const [first] = made;
          const port = first.pool.ports[0]?.port ?? 0;
          if (first.pool.idcs.join() === "aliyun-bj" && port > 0 && !protectedPortIn(port, port) && first.pool.placement.antiAffinity === "host" && first.pool.replicas <= 200) {
            const fleet = new Fleet(t.stack, "bj-entry", { idc: t.bj, network: t.network, hostClass: { cpu: 16, memoryMiB: 32768 }, instanceTypes: ["ecs.c7.4xlarge"], maxHosts: 200 });
            new LoadBalancer(t.stack, "entry", { pool: first, fleet });
          }
          return [t.stack];
        });
        const tf = result.stacks[0].terraform;
        expect(schemaProblems(tf)).toEqual([]);
        const groups = Object.values<any>(tf.resource.alicloud_ess_scaling_group).filter((g) => g.tags["dcp:fleet"] === "bj-standard");
        const bj = result.desired.fleets.find((f) => f.name === "bj-standard")!;
        expect(groups.reduce((n, g) => n + g.desired_capacity, 0)).toBe(bj.desiredHosts);
        for (const g of groups) {
          expect(g.min_size).toBeLessThanOrEqual(g.desired_capacity);
          expect(g.max_size).toBeGreaterThanOrEqual(g.desired_capacity);
        }
      }),
      { numRuns: 12 },
    );
  });
});
