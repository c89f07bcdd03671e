import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HostBuffer, ServicePool } from "../../../constructs";
import { PROTECTED_PORTS } from "../../../constructs/network";
import { synthesize, synthesizeStacks, SynthesizeResult } from "../../../constructs/synthesize";
import { LOCAL_REPLICA_DIVISOR } from "../../../constructs/dcp-stack";
import { PROJECT_DIR, topology } from "../../support/stack-fixture";
import { embeddedBootstrap, userDataEnv, userDataScript } from "../../support/terraform-json";
import { schemaProblems } from "../../support/schema-check";

let cloud: SynthesizeResult;
let local: SynthesizeResult;
let tf: any;
beforeAll(async () => {
  cloud = await synthesize(PROJECT_DIR);
  local = await synthesize(PROJECT_DIR, { profile: "local", localSite: { name: "dcp", image: "192.168.77.1:5000/dcp/demo:1", entryImage: "192.168.77.1:5000/dcp/entry:1", ledger: {}, refills: {}, refillHostsFile: "/nonexistent/refill-hosts.json" } });
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

  it("sizes the cloud fleet into its scaling groups' initial capacity", () => {
    const bj = cloud.desired.fleets.find((f) => f.name === "bj-standard")!;
    const summary = cloud.summary.fleets.find((f) => f.fleet === "bj-standard")!;
    expect(bj.desiredHosts).toBe(summary.hostsForPools + summary.bufferHosts);
    const groups = resources("alicloud_ess_scaling_group").filter((g) => g.tags["dcp:fleet"] === "bj-standard");
    expect(groups.reduce((n, g) => n + g.desired_capacity, 0)).toBe(bj.desiredHosts);
    for (const g of groups) expect(g).toMatchObject({ min_size: 0, max_size: 500 });
    // Every container of every pool is accounted for in some fleet.
    for (const p of cloud.desired.pools) {
      const placed = cloud.summary.allocations.filter((a) => a.pool === p.name).reduce((n, a) => n + a.containers, 0);
      expect(placed).toBe(p.effectiveReplicas);
    }
  });

  it("launches the fallback instance types with the bootstrap script as user data", () => {
    const config = resources("alicloud_ess_scaling_configuration").find((c) => c.tags["dcp:fleet"] === "bj-standard")!;
    expect(config.instance_types).toEqual(["ecs.c7.4xlarge", "ecs.c6.4xlarge", "ecs.c8i.4xlarge"]);
    const script = userDataScript(config.user_data);
    for (const v of ["dcp_docker_client_ca_pem", "dcp_host_ca_pem"]) {
      expect(script).toContain(`\${var.${v}}`);
      expect(tf.variable[v]).toMatchObject({ type: "string" });
    }
    expect(embeddedBootstrap(script)).toBe(readFileSync(join(PROJECT_DIR, "hosts", "bootstrap.sh"), "utf8"));
    const servers = cloud.desired.idcs.find((i) => i.name === "aliyun-bj")!.consulAddress;
    expect(userDataEnv(script)).toMatchObject({
      DCP_ROLE: "host",
      DCP_IDC: "aliyun-bj",
      DCP_FLEET: "bj-standard",
      DCP_CPU: "16",
      DCP_MEMORY_MIB: "32768",
      DCP_CLOUD: "true",
      DCP_CONSUL_JOIN: servers,
      DCP_CONSUL_ACL: "1",
      DCP_SUPERVISOR: "systemd",
      DCP_TLS_DIR: "/etc/dcp/tls",
      DCP_ENROL_URL: "https://10.10.0.30:8443",
    });
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
      expect(["bj-standard", "bj-entry"]).toContain(r.tags["dcp:fleet"]);
    }
    for (const r of [...resources("alicloud_slb_load_balancer"), ...resources("alicloud_slb_server_group")]) {
      expect(r.tags).toMatchObject({ "dcp:pool": "nginx-entry", owner: "platform-team", "cost-centre": "cc-platform" });
    }
  });

  it("puts the entry pool behind an SLB that the entry fleet's scaling groups join", () => {
    const attachments = resources("alicloud_ess_scalinggroup_vserver_groups");
    expect(attachments).toHaveLength(3);
    for (const a of attachments) expect(a.vserver_groups[0].vserver_attributes[0]).toMatchObject({ port: 80, weight: 100 });
    expect(resources("alicloud_slb_listener")[0]).toMatchObject({ frontend_port: 80, protocol: "tcp" });
  });

  it("gives hosts outbound internet through a NAT gateway with SNAT for every host vSwitch", () => {
    expect(resources("alicloud_nat_gateway")).toEqual([expect.objectContaining({ nat_type: "Enhanced", payment_type: "PayAsYouGo" })]);
    const hostVswitches = [...new Set(resources("alicloud_ess_scaling_group").flatMap((g) => g.vswitch_ids))];
    expect(resources("alicloud_snat_entry").map((e) => e.source_vswitch_id).sort()).toEqual(hostVswitches.sort());
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
      "aliyun_bj_consul_servers",
      "aliyun_bj_security_group_id",
      "aliyun_bj_vpc_id",
      "aliyun_bj_vswitch_ids",
      "bj_entry_scaling_groups",
      "bj_standard_scaling_groups",
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
    expect(Object.keys(localTf.locals.hosts).sort()).toEqual(local.desired.fleets.flatMap((f) => f.hosts!).sort());
  });
  it("keeps the entry fleet to the entry pool as the cloud does, so no pool takes a buffer host sizing kept for scale-outs", () => {
    const constraints = (d: typeof local.desired, pool: string) => d.pools.find((p) => p.name === pool)!.placement.constraints.filter((c) => c.startsWith("fleet"));
    expect(constraints(local.desired, "nginx-entry")).toEqual(["fleet==bj-entry"]);
    for (const p of local.desired.pools.filter((p) => p.name !== "nginx-entry" && p.idcs.includes("aliyun-bj"))) {
      expect({ pool: p.name, constraints: constraints(local.desired, p.name) }).toEqual({ pool: p.name, constraints: constraints(cloud.desired, p.name) });
      expect(constraints(local.desired, p.name)).toContain("fleet!=bj-entry");
    }
  });
  it("scales replicas down, at least one, and runs the local image without the pools' commands; the entry tier runs the entry image", () => {
    for (const p of local.desired.pools) {
      const declared = cloud.desired.pools.find((c) => c.name === p.name)!;
      expect(p.replicas).toBe(declared.replicas === 0 ? 0 : Math.max(1, Math.ceil(declared.replicas / LOCAL_REPLICA_DIVISOR)));
      expect(p.image).toBe(p.follows ? "192.168.77.1:5000/dcp/entry:1" : "192.168.77.1:5000/dcp/demo:1");
      expect(p.command).toBeUndefined();
    }
    const entry = local.desired.pools.find((p) => p.name === "nginx-entry")!;
    expect(entry.env.UPSYNC_UPSTREAMS).toBe("feed_api,hongbao_api,remind_api");
    expect(entry.follows).toEqual({ upstreams: ["feed_api", "hongbao_api", "remind_api"], status: { port: "status", path: "/upstream_show", format: "upstream_show" } });
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
  it("get maxHosts / maxHostsPerGroup scaling groups per zone; the first zone's groups start with the desired capacity, filled in order", () => {
    const r = synthesizeStacks((app) => {
      const t = topology(app);
      new HostBuffer(t.stack, "more", { fleet: t.bjFleet, hosts: 7 });
      new ServicePool(t.stack, "big", { name: "big", image: "registry.local/r/big:1", containerType: "dP04", replicas: 1200, idcs: ["aliyun-bj"], owner: "t" });
      return [t.stack];
    });
    const big = r.stacks[0].terraform;
    const groups = Object.values<any>(big.resource.alicloud_ess_scaling_group);
    expect(groups).toHaveLength(3 * 8);
    expect(r.desired.fleets.find((f) => f.name === "bj-standard")!.desiredHosts).toBe(1210);
    const zone = (g: any) => big.resource.alicloud_vswitch[/alicloud_vswitch\.([^.]+)\./.exec(g.vswitch_ids[0])![1]].zone_id;
    expect(groups.filter((g) => zone(g) === "cn-beijing-h").map((g) => g.desired_capacity)).toEqual([500, 500, 210, 0, 0, 0, 0, 0]);
    expect(groups.filter((g) => zone(g) !== "cn-beijing-h").every((g) => g.desired_capacity === 0)).toBe(true);
    expect(Object.keys(big.resource.alicloud_ess_scaling_configuration)).toHaveLength(24);
    expect(big.output.bj_standard_scaling_groups.value.map((z: any) => z.ids.length)).toEqual([8, 8, 8]);
  });
  it("fail synth when the pools need more than maxHosts", () => {
    expect(() =>
      synthesizeStacks((app) => {
        const t = topology(app);
        new ServicePool(t.stack, "huge", { name: "huge", image: "registry.local/r/huge:1", containerType: "dP04", replicas: 5000, idcs: ["aliyun-bj"], owner: "t" });
        return [t.stack];
      }),
    ).toThrow(/Fleet test\/bj-standard: the pools need 5003 hosts, more than maxHosts 4000; raise maxHosts/);
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
    expect(JSON.parse(readFileSync(join(out, "summary.json"), "utf8")).fleets).toHaveLength(3);

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
    expect(ok).toMatch(/profile cloud: 1 stack\(s\), \d+ Terraform resources, 6 pools/);
    expect(ok).toContain("dcp_host_image_id");
    expect(existsSync(join(dir, "ok", "stacks", "example", "cdk.tf.json"))).toBe(true);

    const bad = project("negative", goodFeedApi.replace("replicas: 120", "replicas: -3"));
    const r = spawnSync(dcp, ["synth", "--out", join(dir, "bad")], { cwd: bad, encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("feed-api.yaml");
    expect(existsSync(join(dir, "bad"))).toBe(false);
  }, 60_000);
});
