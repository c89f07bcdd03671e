import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HostBuffer, ServicePool } from "../../../constructs";
import { PROTECTED_PORTS } from "../../../constructs/network";
import { synthesize, synthesizeStacks, SynthesizeResult } from "../../../constructs/synthesize";
import { LOCAL_REPLICA_DIVISOR } from "../../../constructs/dcp-stack";
import { PROJECT_DIR, topology } from "../../support/stack-fixture";
import { schemaProblems } from "../../support/schema-check";

let cloud: SynthesizeResult;
let local: SynthesizeResult;
let tf: any;
beforeAll(async () => {
  cloud = await synthesize(PROJECT_DIR);
  local = await synthesize(PROJECT_DIR, { profile: "local", localSite: { name: "dcp", image: "192.168.77.1:5000/dcp/demo:1", ledger: {} } });
  tf = cloud.stacks[0].terraform;
});
const resources = (type: string): any[] => Object.values(tf.resource[type] ?? {});
const schema = JSON.parse(readFileSync(join(PROJECT_DIR, "scripts", "alicloud-bindings", "schema", "provider-schema.subset.json"), "utf8"));
const taggable = (type: string) => "tags" in (schema.provider_schemas["registry.terraform.io/aliyun/alicloud"].resource_schemas[type]?.block.attributes ?? {});

describe("the example stack, cloud profile", () => {
  it("loads the pool files and the TypeScript pools, with dependency ratios resolved", () => {
    const byName = Object.fromEntries(cloud.desired.pools.map((p) => [p.name, p]));
    expect(Object.keys(byName).sort()).toEqual(["feed-api", "feed-cache", "feed-fanout", "hongbao-api", "nginx-entry", "remind-api"]);
    expect(byName["feed-api"].source).toMatch(/^stacks\/pools\/feed-api\.yaml:\d+$/);
    expect(byName["feed-fanout"].source).toBe("ServicePool example/feed-fanout");
    expect(byName["feed-cache"]).toMatchObject({ replicas: 4, effectiveReplicas: 4 + Math.ceil(0.2 * 120) });
  });

  it("sizes the cloud fleet into the scaling group's desired capacity", () => {
    const bj = cloud.desired.fleets.find((f) => f.name === "bj-standard")!;
    const summary = cloud.summary.fleets.find((f) => f.fleet === "bj-standard")!;
    expect(bj.desiredHosts).toBe(summary.hostsForPools + summary.bufferHosts);
    const [group] = resources("alicloud_ess_scaling_group");
    expect(group).toMatchObject({ desired_capacity: bj.desiredHosts, min_size: 10, multi_az_policy: "PRIORITY" });
    expect(group.max_size).toBeGreaterThanOrEqual(group.desired_capacity);
    // Every container of every pool is accounted for in some fleet.
    for (const p of cloud.desired.pools) {
      const placed = cloud.summary.allocations.filter((a) => a.pool === p.name).reduce((n, a) => n + a.containers, 0);
      expect(placed).toBe(p.effectiveReplicas);
    }
  });

  it("spreads the scaling group over the vSwitches in zone priority order", () => {
    const [group] = resources("alicloud_ess_scaling_group");
    const zones = group.vswitch_ids.map((ref: string) => {
      const name = /alicloud_vswitch\.([^.]+)\.id/.exec(ref)![1];
      return tf.resource.alicloud_vswitch[name].zone_id;
    });
    expect(zones).toEqual(["cn-beijing-h", "cn-beijing-i", "cn-beijing-j"]);
  });

  it("launches the fallback instance types with the bootstrap script as user data", () => {
    const [config] = resources("alicloud_ess_scaling_configuration");
    expect(config.instance_types).toEqual(["ecs.c7.4xlarge", "ecs.c6.4xlarge", "ecs.c8i.4xlarge"]);
    const userData: string = config.user_data;
    expect(userData.startsWith("${base64encode(")).toBe(true);
    for (const v of ["dcp_tls_ca_pem", "dcp_tls_server_cert_pem", "dcp_tls_server_key_pem"]) {
      expect(userData).toContain(`\${var.${v}}`);
      expect(tf.variable[v]).toMatchObject({ sensitive: true, type: "string" });
    }
    const script = /base64 -d > \/usr\/local\/lib\/dcp\/bootstrap\.sh <<'DCP_BOOTSTRAP'\\n([A-Za-z0-9+/=\\n]+?)DCP_BOOTSTRAP/.exec(userData)![1];
    const decoded = Buffer.from(script.replace(/\\n/g, ""), "base64").toString("utf8");
    expect(decoded).toBe(readFileSync(join(PROJECT_DIR, "hosts", "bootstrap.sh"), "utf8"));
    for (const env of ["DCP_IDC=aliyun-bj", "DCP_FLEET=bj-standard", "DCP_CPU=16", "DCP_MEMORY_MIB=32768", "DCP_CLOUD=true", "DCP_CONSUL_JOIN=172.16.0.10:8301", "DCP_TLS_DIR=/etc/dcp/tls", "DCP_INSTALL=1"]) {
      expect(userData).toContain(env);
    }
  });

  it("tags every taggable resource with owner, cost centre and its fleet or pool", () => {
    for (const [type, byName] of Object.entries<Record<string, any>>(tf.resource)) {
      for (const r of Object.values(byName)) {
        if (!taggable(type)) {
          expect(r.tags).toBeUndefined();
          continue;
        }
        expect(r.tags).toMatchObject({ "managed-by": "dcp", owner: expect.any(String), "cost-centre": expect.any(String) });
      }
    }
    for (const r of [...resources("alicloud_ess_scaling_group"), ...resources("alicloud_ess_scaling_configuration")]) {
      expect(r.tags["dcp:fleet"]).toBe("bj-standard");
    }
    for (const r of [...resources("alicloud_slb_load_balancer"), ...resources("alicloud_slb_server_group")]) {
      expect(r.tags).toMatchObject({ "dcp:pool": "nginx-entry", owner: "platform-team", "cost-centre": "cc-platform" });
    }
  });

  it("puts the entry pool behind an SLB that the scaling group joins", () => {
    const [attach] = resources("alicloud_ess_scalinggroup_vserver_groups");
    expect(attach.vserver_groups[0].vserver_attributes[0]).toMatchObject({ port: 80, weight: 100 });
    expect(resources("alicloud_slb_listener")[0]).toMatchObject({ frontend_port: 80, protocol: "tcp" });
  });

  it("gives hosts outbound internet through a NAT gateway with SNAT for every vSwitch", () => {
    expect(resources("alicloud_nat_gateway")).toEqual([expect.objectContaining({ nat_type: "Enhanced", payment_type: "PayAsYouGo" })]);
    const vswitches = Object.keys(tf.resource.alicloud_vswitch).map((name) => `\${alicloud_vswitch.${name}.id}`);
    expect(resources("alicloud_snat_entry").map((e) => e.source_vswitch_id).sort()).toEqual(vswitches.sort());
    for (const e of resources("alicloud_snat_entry")) expect(e.depends_on[0]).toMatch(/^alicloud_eip_association\./);
  });

  it("never opens control ports to the internet", () => {
    for (const rule of resources("alicloud_security_group_rule")) {
      const [from, to] = rule.port_range === "-1/-1" ? [1, 65535] : rule.port_range.split("/").map(Number);
      const hitsProtected = PROTECTED_PORTS.some((p) => from <= p.to && to >= p.from);
      if (hitsProtected) expect(rule.cidr_ip).not.toBe("0.0.0.0/0");
    }
  });

  it("outputs what the runtime needs and uses a local backend by default", () => {
    expect(Object.keys(tf.output).sort()).toEqual([
      "aliyun_bj_security_group_id",
      "aliyun_bj_vpc_id",
      "aliyun_bj_vswitch_ids",
      "bj_standard_scaling_group_ids",
      "nginx_entry_slb_address",
    ]);
    expect(tf.terraform.backend).toEqual({ local: { path: "terraform.example.tfstate" } });
    expect(tf.provider.alicloud).toEqual([{ region: "cn-beijing" }]);
  });
});

describe("determinism", () => {
  it("synthesizes the same Terraform and desired state every time, as plain JSON", async () => {
    const again = await synthesize(PROJECT_DIR);
    expect(again.stacks).toEqual(cloud.stacks);
    expect(again.desired).toEqual(cloud.desired);
    expect(JSON.parse(JSON.stringify(cloud.desired))).toEqual(cloud.desired);
  });
});

describe("the example stack, local profile", () => {
  it("creates the site's hosts, the runtime and its teardown with Terraform's built-in provider only", () => {
    const localTf = local.stacks[0].terraform;
    expect(Object.keys(localTf.resource)).toEqual(["terraform_data"]);
    expect(Object.keys(localTf.resource.terraform_data).sort()).toEqual(["host", "runtime", "teardown"]);
    expect(localTf.provider).toBeUndefined();
    // One state per local site: a checkout can deploy onto several sites.
    expect(localTf.terraform.backend).toEqual({ local: { path: "terraform.example.dcp.tfstate" } });
    expect(schemaProblems(localTf)).toEqual([]);
    expect(Object.keys(localTf.resource.terraform_data.host.for_each).sort()).toEqual(local.desired.fleets.flatMap((f) => f.hosts!).sort());
  });
  it("scales replicas down, at least one, and runs the local image without the pools' commands", () => {
    for (const p of local.desired.pools) {
      const declared = cloud.desired.pools.find((c) => c.name === p.name)!;
      expect(p.replicas).toBe(declared.replicas === 0 ? 0 : Math.max(1, Math.ceil(declared.replicas / LOCAL_REPLICA_DIVISOR)));
      expect(p.image).toBe("192.168.77.1:5000/dcp/demo:1");
      expect(p.command).toBeUndefined();
    }
    expect(local.desired.pools.find((p) => p.name === "feed-cache")).toMatchObject({ replicas: 1, effectiveReplicas: 2 });
  });
});

describe("state backend", () => {
  it("can keep state in OSS with Tablestore locking", () => {
    const r = synthesizeStacks((app) => [
      topology(app, { backend: { kind: "oss", bucket: "dcp-state", tablestoreEndpoint: "https://dcp.cn-beijing.ots.aliyuncs.com", tablestoreTable: "dcp_locks" } }).stack,
    ]);
    expect(r.stacks[0].terraform.terraform.backend).toEqual({
      oss: {
        bucket: "dcp-state",
        prefix: "dcp",
        key: "test.tfstate",
        region: "cn-beijing",
        tablestore_endpoint: "https://dcp.cn-beijing.ots.aliyuncs.com",
        tablestore_table: "dcp_locks",
        encrypt: true,
      },
    });
  });
});

describe("sizing a pool with a fixed port", () => {
  it("gives each container a host of its own (host networking), as the scheduler places them; a dynamic port packs", () => {
    const sized = (port: number) =>
      synthesizeStacks((app) => {
        const t = topology(app);
        new ServicePool(t.stack, "api", { name: "api", image: "r/api:1", containerType: "dP01", replicas: 12, idcs: ["aliyun-bj"], ports: [{ name: "http", port }], owner: "t" });
        return [t.stack];
      }).desired.fleets.find((f) => f.name === "bj-standard")!.hostsForPools;
    // dP01 is 2 cpu: eight fit a 16-cpu host, but only one can listen on port 8080.
    expect(sized(8080)).toBe(12);
    expect(sized(0)).toBe(2);
  });
});

describe("large fleets", () => {
  it("split into scaling groups of at most maxHostsPerGroup that add up to the desired capacity", () => {
    const r = synthesizeStacks((app) => {
      const t = topology(app);
      new HostBuffer(t.stack, "more", { fleet: t.bjFleet, hosts: 7 });
      new ServicePool(t.stack, "big", { name: "big", image: "r/big:1", containerType: "dP04", replicas: 1200, idcs: ["aliyun-bj"], owner: "t" });
      return [t.stack];
    });
    const groups = Object.values<any>(r.stacks[0].terraform.resource.alicloud_ess_scaling_group);
    expect(groups).toHaveLength(3);
    expect(groups.map((g) => g.desired_capacity).sort()).toEqual([403, 403, 404]);
    expect(groups.reduce((n, g) => n + g.min_size, 0)).toBe(10);
    expect(Object.keys(r.stacks[0].terraform.resource.alicloud_ess_scaling_configuration)).toHaveLength(3);
    expect(r.stacks[0].terraform.output.bj_standard_scaling_group_ids.value).toHaveLength(3);
  });
});

describe("writing output", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "dcp-synth-out-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A project whose stacks come from this repository but whose pool files are its own. */
  const project = (name: string, poolYaml: string) => {
    const root = join(dir, name);
    mkdirSync(join(root, "stacks", "pools"), { recursive: true });
    mkdirSync(join(root, "hosts"));
    writeFileSync(join(root, "hosts", "bootstrap.sh"), readFileSync(join(PROJECT_DIR, "hosts", "bootstrap.sh")));
    writeFileSync(join(root, "stacks", "index.ts"), `export { buildStacks } from ${JSON.stringify(join(PROJECT_DIR, "stacks"))};\n`);
    for (const f of ["feed-cache.yaml", "nginx-entry.yaml"]) {
      writeFileSync(join(root, "stacks", "pools", f), readFileSync(join(PROJECT_DIR, "stacks", "pools", f)));
    }
    writeFileSync(join(root, "stacks", "pools", "feed-api.yaml"), poolYaml);
    return root;
  };
  const goodFeedApi = readFileSync(join(PROJECT_DIR, "stacks", "pools", "feed-api.yaml"), "utf8");

  it("replaces the output directory only when synth succeeds", async () => {
    const root = project("good", goodFeedApi);
    const out = join(dir, "out");
    mkdirSync(out);
    writeFileSync(join(out, "marker"), "old");
    await expect(synthesize(root, { outDir: out })).resolves.toBeDefined();
    expect(existsSync(join(out, "marker"))).toBe(false);
    const written = JSON.parse(readFileSync(join(out, "stacks", "example", "cdk.tf.json"), "utf8"));
    expect(written.resource.alicloud_ess_scaling_group).toBeDefined();
    const desired = JSON.parse(readFileSync(join(out, "desired.json"), "utf8"));
    expect(desired.pools.map((p: { name: string }) => p.name)).toContain("feed-api");
    expect(JSON.parse(readFileSync(join(out, "summary.json"), "utf8")).fleets).toHaveLength(2);

    // Terraform's own files in a stack directory (cdktf deploy's state) survive a synth.
    writeFileSync(join(out, "stacks", "example", "terraform.example.tfstate"), "state");
    mkdirSync(join(out, "stacks", "example", ".terraform"));
    await synthesize(root, { outDir: out });
    expect(readFileSync(join(out, "stacks", "example", "terraform.example.tfstate"), "utf8")).toBe("state");
    expect(existsSync(join(out, "stacks", "example", ".terraform"))).toBe(true);
    expect(JSON.parse(readFileSync(join(out, "stacks", "example", "desired.json"), "utf8"))).toEqual(desired);

    writeFileSync(join(out, "marker"), "kept");
    const bad = project("cycle", goodFeedApi.replace("- { pool: feed-cache, ratio: 0.2 }", "- { pool: feed-cahce, ratio: 0.2 }"));
    await expect(synthesize(bad, { outDir: out })).rejects.toThrow('pool "feed-api" depends on "feed-cahce", which is not defined');
    expect(readFileSync(join(out, "marker"), "utf8")).toBe("kept");
  });

  it("dcp synth exits 0 and writes, or exits 1 and writes nothing", () => {
    const dcp = join(PROJECT_DIR, "bin", "dcp");
    const ok = execFileSync(dcp, ["synth", "--out", join(dir, "ok")], { cwd: PROJECT_DIR, encoding: "utf8" });
    expect(ok).toContain("bj-standard");
    // 21 Alibaba Cloud resources, the runtime and its teardown.
    expect(ok).toMatch(/profile cloud: 1 stack\(s\), 23 Terraform resources, 6 pools/);
    expect(existsSync(join(dir, "ok", "stacks", "example", "cdk.tf.json"))).toBe(true);

    const bad = project("negative", goodFeedApi.replace("replicas: 120", "replicas: -3"));
    const r = spawnSync(dcp, ["synth", "--out", join(dir, "bad")], { cwd: bad, encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("feed-api.yaml");
    expect(existsSync(join(dir, "bad"))).toBe(false);
  }, 60_000);
});
