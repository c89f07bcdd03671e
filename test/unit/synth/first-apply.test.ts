/**
 * Issue 13: the cloud Terraform would succeed on its first real apply. Each point is a
 * property of the synthesized JSON, checked on the example stack and on a scaled variant
 * (feed-api × 40, about 4,800 cloud hosts: one per container, its port is fixed).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DesiredState } from "../../../model/desired-state";
import { CONTAINER_TYPES } from "../../../model/container-types";
import { schedule, parseConstraint, SchedulerHost, ContainerRequest } from "../../../runtime/scheduler";
import { contains, overlaps, parseCidr } from "../../../constructs/cidr";
import { PROTECTED_PORTS } from "../../../constructs/network";
import { CLB_SOURCE_CIDR, MAX_CLB_BACKENDS } from "../../../constructs/load-balancer";
import { registryHostOf } from "../../../constructs/private-dns";
import { SynthesizeResult } from "../../../constructs/synthesize";
import { schemaProblems } from "../../support/schema-check";
import { PROJECT_DIR } from "../../support/stack-fixture";
import {
  Addressed,
  createdBefore,
  embeddedBootstrap,
  referenced,
  resourceAt,
  resourcesOf,
  synthesizeExample,
  TerraformJson,
  userDataEnv,
  userDataScript,
} from "../../support/terraform-json";

const variants: Array<[string, SynthesizeResult]> = [];
beforeAll(() => {
  variants.push(["the example", synthesizeExample(1)], ["feed-api × 40", synthesizeExample(40)]);
});
/** Runs `check` on both variants; the scaled one must really be large (more than one full scaling group). */
const eachVariant = (check: (tf: TerraformJson, desired: DesiredState, result: SynthesizeResult) => void) => () => {
  const [small, large] = variants.map(([, r]) => r.desired.fleets.find((f) => f.name === "bj-standard")!.desiredHosts);
  expect(large).toBeGreaterThan(Math.max(small, 1000));
  for (const [, r] of variants) check(r.stacks[0].terraform, r.desired, r);
};

const launches = (tf: TerraformJson): Addressed[] => [...resourcesOf(tf, "alicloud_ess_scaling_configuration"), ...resourcesOf(tf, "alicloud_instance")];
const vswitchCidr = (tf: TerraformJson, ref: string) => parseCidr(resourceAt(tf, referenced(ref)).body.cidr_block)!;
const groupOf = (tf: TerraformJson, configuration: Addressed) => resourceAt(tf, referenced(configuration.body.scaling_group_id));
const hostVswitches = (tf: TerraformJson) => new Set(resourcesOf(tf, "alicloud_ess_scaling_group").flatMap((g) => g.body.vswitch_ids.map(referenced)));

describe("the synthesized JSON still conforms to the provider schema", () => {
  it("for the example and the scaled variant", eachVariant((tf) => expect(schemaProblems(tf)).toEqual([])));
});

describe("1. the host image and the bootstrap agree", () => {
  it("every host and server boots the pinned image variable; nothing picks the newest image", eachVariant((tf) => {
    expect(tf.data).toBeUndefined();
    expect(JSON.stringify(tf)).not.toMatch(/most_recent/);
    for (const l of launches(tf)) expect(l.body.image_id).toBe("${var.dcp_host_image_id}");
    expect(tf.variable.dcp_host_image_id).toMatchObject({ type: "string" });
    expect(tf.variable.dcp_host_image_id.default).toBeUndefined();
  }));

  it("the user data carries hosts/bootstrap.sh unchanged, and it installs nothing: without the image's tools it stops at once", () => {
    const tf = variants[0][1].stacks[0].terraform;
    const [configuration] = resourcesOf(tf, "alicloud_ess_scaling_configuration");
    const script = userDataScript(configuration.body.user_data);
    const bootstrap = embeddedBootstrap(script);
    expect(bootstrap).toBe(readFileSync(join(PROJECT_DIR, "hosts", "bootstrap.sh"), "utf8"));

    // A host without Consul, Docker, curl or openssl: only a shell and core utilities.
    const dir = mkdtempSync(join(tmpdir(), "dcp-no-image-"));
    try {
      mkdirSync(join(dir, "bin"));
      for (const tool of ["bash", "env", "grep", "sort", "mkdir", "readlink", "cat", "tr", "cut", "date", "sleep", "mv", "rm"]) {
        const found = spawnSync("bash", ["-c", `command -v ${tool}`], { encoding: "utf8" }).stdout.trim();
        symlinkSync(found, join(dir, "bin", tool));
      }
      writeFileSync(join(dir, "bootstrap.sh"), bootstrap);
      const env = { ...userDataEnv(script), DCP_NODE_NAME: "i-test", DCP_HOST_IP: "172.16.0.20", DCP_ZONE: "cn-beijing-h", DCP_STATE_DIR: join(dir, "state"), DCP_TLS_DIR: join(dir, "tls"), DCP_SYSTEMD_DIR: join(dir, "units"), PATH: join(dir, "bin") };
      const run = spawnSync(join(dir, "bin", "bash"), [join(dir, "bootstrap.sh")], { env, encoding: "utf8", timeout: 20_000 });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain("consul not found: dcp hosts run the dcp host image (hosts/image)");
      expect(run.stderr).not.toMatch(/apt|command not found/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the image variable accepts a custom image id and refuses a public image name (real terraform)", () => {
    const tf = variants[0][1].stacks[0].terraform;
    const values = { dcp_host_image_id: "m-2ze0123abcd", dcp_docker_client_ca_pem: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----", dcp_host_ca_pem: "-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----", aliyun_bj_cen_instance_id: "cen-abc123" };
    expect(terraformPlan(tf, values).status).toBe(0);
    const publicImage = terraformPlan(tf, { ...values, dcp_host_image_id: "ubuntu_22_04_x64_20G_alibase_20240130.vhd" });
    expect(publicImage.status).toBe(1);
    expect(publicImage.output).toContain("custom image built from hosts/image");
    const privateKey = terraformPlan(tf, { ...values, dcp_host_ca_pem: "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----" });
    expect(privateKey.status).toBe(1);
    expect(privateKey.output).toContain("never a private key");
  }, 60_000);
});

describe("2. the load balancer can be bought", () => {
  it("is a pay-by-CLCU CLB with no specification", eachVariant((tf) => {
    const slbs = resourcesOf(tf, "alicloud_slb_load_balancer");
    expect(slbs.length).toBeGreaterThan(0);
    for (const s of slbs) {
      expect(s.body).toMatchObject({ instance_charge_type: "PayByCLCU", payment_type: "PayAsYouGo" });
      expect(s.body.load_balancer_spec).toBeUndefined();
      expect(s.body.specification).toBeUndefined();
    }
  }));
});

describe("3. the Consul address has servers behind it", () => {
  it("every cloud IDC's Consul address is a server this stack creates, on a reserved address no scaling group can hand out", eachVariant((tf, desired) => {
    const servers = resourcesOf(tf, "alicloud_instance");
    const hosts = hostVswitches(tf);
    for (const idc of desired.idcs.filter((i) => i.kind === "cloud")) {
      const addresses = idc.consulAddress.split(",").map((a) => a.split(":")[0]);
      expect(addresses).toHaveLength(3);
      for (const address of addresses) {
        const server = servers.find((s) => s.body.private_ip === address)!;
        expect(server).toBeDefined();
        expect(server.body).toMatchObject({ deletion_protection: true, lifecycle: { prevent_destroy: true } });
        const own = referenced(server.body.vswitch_id);
        expect(hosts.has(own)).toBe(false);
        expect(contains(vswitchCidr(tf, server.body.vswitch_id), parseCidr(`${address}/32`)!)).toBe(true);
        for (const h of hosts) expect(overlaps(vswitchCidr(tf, server.body.vswitch_id), vswitchCidr(tf, `\${${h}.id}`))).toBe(false);
      }
      for (const c of resourcesOf(tf, "alicloud_ess_scaling_configuration")) {
        expect(userDataEnv(userDataScript(c.body.user_data)).DCP_CONSUL_JOIN).toBe(idc.consulAddress);
        // Servers before any scaling group is enabled.
        for (const s of servers) expect(createdBefore(tf, c.address).has(s.address)).toBe(true);
      }
    }
  }));
});

describe("4. hosts boot only once egress exists", () => {
  it("every scaling configuration that enables a group is created after the SNAT entry of its vSwitch, the IDC link and registry DNS", eachVariant((tf) => {
    const snat = resourcesOf(tf, "alicloud_snat_entry");
    for (const c of resourcesOf(tf, "alicloud_ess_scaling_configuration")) {
      expect(c.body.enable).toBe(true);
      const before = createdBefore(tf, c.address);
      const [vswitch] = groupOf(tf, c).body.vswitch_ids.map(referenced);
      const own = snat.filter((e) => referenced(e.body.source_vswitch_id) === vswitch);
      expect(own).toHaveLength(1);
      expect(before.has(own[0].address)).toBe(true);
      for (const r of [...resourcesOf(tf, "alicloud_cen_instance_attachment"), ...resourcesOf(tf, "alicloud_pvtz_zone_attachment")]) expect(before.has(r.address)).toBe(true);
    }
  }));
});

describe("5. zone priority reaches ESS", () => {
  it("each scaling group has one vSwitch; a fleet's groups per zone come in the IDC's zone order, and hosts start in the first zone", eachVariant((tf, desired) => {
    const zones = desired.idcs.find((i) => i.name === "aliyun-bj")!.zones;
    for (const fleet of desired.fleets.filter((f) => f.idc === "aliyun-bj")) {
      const out = tf.output[`${fleet.name.replace(/-/g, "_")}_scaling_groups`].value as Array<{ zone: string; priority: number; ids: string[] }>;
      expect(out.map((z) => z.zone)).toEqual(zones);
      expect(out.map((z) => z.priority)).toEqual(zones.map((_, i) => i + 1));
      let started = 0;
      out.forEach((z, i) => {
        const maxInZone = z.ids.reduce((n, id) => {
          const g = resourceAt(tf, referenced(id)).body;
          expect(g.vswitch_ids).toHaveLength(1);
          expect(resourceAt(tf, referenced(g.vswitch_ids[0])).body.zone_id).toBe(z.zone);
          if (i > 0) expect(g.desired_capacity).toBe(0);
          started += g.desired_capacity;
          return n + g.max_size;
        }, 0);
        // Any zone can take the whole fleet when the others are out of stock.
        expect(maxInZone).toBeGreaterThanOrEqual(fleet.desiredHosts);
      });
      expect(started).toBe(fleet.desiredHosts);
    }
  }));
});

describe("6. growing the fleet never destroys a scaling group", () => {
  it("the scaled variant keeps every scaling group of the example, and groups are protected", () => {
    const [small, large] = variants.map(([, r]) => r.stacks[0].terraform);
    const names = (tf: TerraformJson) => resourcesOf(tf, "alicloud_ess_scaling_group").map((g) => g.address);
    expect(names(large)).toEqual(expect.arrayContaining(names(small)));
    for (const tf of [small, large]) {
      for (const g of resourcesOf(tf, "alicloud_ess_scaling_group")) expect(g.body).toMatchObject({ group_deletion_protection: true, lifecycle: { prevent_destroy: true } });
      // A configuration with force_delete would delete its whole group with it.
      for (const c of resourcesOf(tf, "alicloud_ess_scaling_configuration")) expect(c.body.force_delete).not.toBe(true);
    }
  });
});

describe("7. clients reach the entry tier, admin ports stay closed", () => {
  it("the backend port admits the client ranges and CLB health checks on every entry host; each listener whitelists the clients", eachVariant((tf) => {
    for (const attach of resourcesOf(tf, "alicloud_ess_scalinggroup_vserver_groups")) {
      const port = attach.body.vserver_groups[0].vserver_attributes[0].port;
      const configuration = resourcesOf(tf, "alicloud_ess_scaling_configuration").find((c) => c.body.scaling_group_id === attach.body.scaling_group_id)!;
      const rules = resourcesOf(tf, "alicloud_security_group_rule").filter((r) => configuration.body.security_group_ids.includes(r.body.security_group_id));
      const admits = (cidr: string) => rules.some((r) => r.body.policy === "accept" && r.body.cidr_ip === cidr && r.body.port_range === `${port}/${port}` && r.body.ip_protocol === "tcp");
      const [acl] = resourcesOf(tf, "alicloud_slb_acl");
      const clients: string[] = acl.body.entry_list.map((e: { entry: string }) => e.entry);
      expect(clients.length).toBeGreaterThan(0);
      for (const cidr of [...clients, CLB_SOURCE_CIDR]) expect(admits(cidr)).toBe(true);
    }
    for (const l of resourcesOf(tf, "alicloud_slb_listener")) {
      expect(l.body).toMatchObject({ acl_status: "on", acl_type: "white" });
      expect(l.body.acl_ids.map(referenced)).toEqual(resourcesOf(tf, "alicloud_slb_acl").map((a) => a.address));
    }
  }));

  it("no rule admits an admin port from outside the admin ranges, and inside the VPC drop rules outrank the accept-all", eachVariant((tf) => {
    const admin = ["10.10.0.0/16"];
    const vpc = resourcesOf(tf, "alicloud_vpc")[0].body.cidr_block;
    const rules = resourcesOf(tf, "alicloud_security_group_rule").map((r) => r.body);
    for (const r of rules.filter((r) => r.policy === "accept")) {
      const [from, to] = r.ip_protocol === "all" ? [1, 65535] : r.port_range.split("/").map(Number);
      for (const p of PROTECTED_PORTS.filter((p) => from <= p.to && to >= p.from)) {
        const serf = p.from === 8300 && r.cidr_ip === vpc;
        if (r.ip_protocol === "all") continue;
        expect(serf || admin.includes(r.cidr_ip)).toBe(true);
      }
    }
    const acceptAll = rules.filter((r) => r.ip_protocol === "all" && r.policy === "accept");
    for (const all of acceptAll) {
      for (const p of PROTECTED_PORTS.filter((p) => p.from !== 8300)) {
        const drop = rules.find((r) => r.security_group_id === all.security_group_id && r.policy === "drop" && r.cidr_ip === all.cidr_ip && r.port_range === `${p.from}/${p.to}`);
        expect(drop?.priority).toBeLessThan(all.priority);
      }
    }
  }));
});

describe("8. only entry hosts sit behind the load balancer", () => {
  it("only the entry fleet's groups are attached, all of them, within the CLB's backend quota", eachVariant((tf, desired) => {
    const attached = new Set(resourcesOf(tf, "alicloud_ess_scalinggroup_vserver_groups").map((a) => referenced(a.body.scaling_group_id)));
    const entryGroups = resourcesOf(tf, "alicloud_ess_scaling_group").filter((g) => g.body.tags["dcp:fleet"] === "bj-entry");
    expect([...attached].sort()).toEqual(entryGroups.map((g) => g.address).sort());
    const zones = desired.idcs.find((i) => i.name === "aliyun-bj")!.zones;
    for (const z of zones) {
      const inZone = entryGroups.filter((g) => resourceAt(tf, referenced(g.body.vswitch_ids[0])).body.zone_id === z);
      expect(inZone.reduce((n, g) => n + g.body.max_size, 0)).toBeLessThanOrEqual(MAX_CLB_BACKENDS);
    }
  }));

  it("the scheduler puts nginx-entry on every entry host and nothing else there", eachVariant((_tf, desired, synthesized) => {
    const hosts = fleetHosts(desired);
    const result = schedule(hosts, requests(desired, synthesized));
    expect(result.unplaced.filter((u) => u.pool === "nginx-entry")).toEqual([]);
    // Nothing else is refused for want of an entry host: where it was refused, entry hosts were excluded by the constraint.
    for (const u of result.unplaced) expect(u.rejectedBy.constraint).toBe(hosts.filter((h) => h.fleet === "bj-entry").length);
    const fleetOf = new Map(hosts.map((h) => [h.node, h.fleet]));
    const entry = result.placements.filter((p) => p.pool === "nginx-entry");
    expect(entry.length).toBe(desired.pools.find((p) => p.name === "nginx-entry")!.effectiveReplicas);
    expect(new Set(entry.map((p) => fleetOf.get(p.node)))).toEqual(new Set(["bj-entry"]));
    expect(new Set(entry.map((p) => p.node)).size).toBe(hosts.filter((h) => h.fleet === "bj-entry").length);
    expect(result.placements.filter((p) => p.pool !== "nginx-entry" && fleetOf.get(p.node) === "bj-entry")).toEqual([]);
  }));
});

describe("9. host capacity has one owner", () => {
  it("Terraform keeps min and max but ignores desired capacity; every group drains through a SCALE_IN hook that rolls back on timeout", eachVariant((tf) => {
    const hooks = resourcesOf(tf, "alicloud_ess_lifecycle_hook");
    for (const g of resourcesOf(tf, "alicloud_ess_scaling_group")) {
      expect(g.body.lifecycle.ignore_changes).toContain("desired_capacity");
      expect(g.body.lifecycle.ignore_changes).not.toContain("max_size");
      expect(g.body.max_size).toBeGreaterThanOrEqual(g.body.desired_capacity);
      const own = hooks.filter((h) => referenced(h.body.scaling_group_id) === g.address);
      expect(own).toHaveLength(1);
      expect(own[0].body).toMatchObject({ lifecycle_transition: "SCALE_IN", default_result: "ROLLBACK" });
      expect(own[0].body.heartbeat_timeout).toBeGreaterThanOrEqual(30);
      expect(own[0].body.heartbeat_timeout).toBeLessThanOrEqual(21600);
    }
  }));
});

describe("10. no shared TLS key", () => {
  it("no variable is a secret, and user data holds only public CA certificates; each host enrols for its own address", eachVariant((tf) => {
    for (const [name, v] of Object.entries<any>(tf.variable)) {
      expect(v.sensitive).toBeUndefined();
      expect(name).not.toMatch(/key/);
    }
    for (const l of launches(tf)) {
      const script = userDataScript(l.body.user_data);
      expect(script).not.toMatch(/PRIVATE KEY|server-key|server-cert/);
      const vars = [...script.matchAll(/\$\{var\.([a-z0-9_]+)\}/g)].map((m) => m[1]);
      expect(vars.every((v) => ["dcp_docker_client_ca_pem", "dcp_host_ca_pem"].includes(v))).toBe(true);
      const env = userDataEnv(script);
      if (env.DCP_ROLE === "host") expect(env.DCP_ENROL_URL).toMatch(/^https:\/\//);
    }
  }));
});

describe("11. images, egress and the IDC link are explicit", () => {
  it("every image a cloud pool runs resolves in the VPC: its registry has a PrivateZone attached to the VPC, pointing into the VPC or the IDC link", eachVariant((tf, desired) => {
    const vpc = resourcesOf(tf, "alicloud_vpc")[0];
    const reachable = [vpc.body.cidr_block, "10.10.0.0/16"].map((c) => parseCidr(c)!);
    for (const pool of desired.pools.filter((p) => p.idcs.includes("aliyun-bj"))) {
      const host = registryHostOf(pool.image);
      const zone = resourcesOf(tf, "alicloud_pvtz_zone").find((z) => z.body.zone_name === host)!;
      expect(zone).toBeDefined();
      const record = resourcesOf(tf, "alicloud_pvtz_zone_record").find((r) => referenced(r.body.zone_id) === zone.address)!;
      expect(record.body).toMatchObject({ rr: "@", type: "A" });
      expect(reachable.some((c) => contains(c, parseCidr(`${record.body.value}/32`)!))).toBe(true);
      const attachment = resourcesOf(tf, "alicloud_pvtz_zone_attachment").find((a) => referenced(a.body.zone_id) === zone.address)!;
      expect(attachment.body.vpc_ids.map(referenced)).toEqual([vpc.address]);
    }
  }));

  it("the NAT EIP is within what a pay-by-traffic EIP sells (1-200 Mbit/s)", eachVariant((tf) => {
    for (const e of resourcesOf(tf, "alicloud_eip_address")) {
      expect(e.body.internet_charge_type).toBe("PayByTraffic");
      expect(Number(e.body.bandwidth)).toBeGreaterThanOrEqual(1);
      expect(Number(e.body.bandwidth)).toBeLessThanOrEqual(200);
    }
  }));

  it("the VPC is attached to the IDC link, and the runtime's ranges (Docker 2376, Consul 8500) are ranges the link carries", eachVariant((tf) => {
    const [vpc] = resourcesOf(tf, "alicloud_vpc");
    const [link] = resourcesOf(tf, "alicloud_cen_instance_attachment");
    expect(link.body).toMatchObject({ child_instance_type: "VPC", child_instance_id: `\${${vpc.address}.id}`, child_instance_region_id: "cn-beijing", instance_id: "${var.aliyun_bj_cen_instance_id}" });
    const idc = parseCidr("10.10.0.0/16")!;
    const admin = resourcesOf(tf, "alicloud_security_group_rule").filter((r) => ["2376/2376", "8500/8500"].includes(r.body.port_range) && r.body.policy === "accept");
    expect(new Set(admin.map((r) => r.body.port_range))).toEqual(new Set(["2376/2376", "8500/8500"]));
    for (const r of admin) expect(contains(idc, parseCidr(r.body.cidr_ip)!)).toBe(true);
  }));

  it("the inputs the first apply needs are listed: every variable, and what answers over the link", () => {
    const [, result] = variants[0];
    const tf = result.stacks[0].terraform;
    const names = result.inputs.map((i) => i.name);
    expect(names).toEqual(expect.arrayContaining(Object.keys(tf.variable)));
    expect(names).toEqual(expect.arrayContaining(["aliyun-bj: host enrolment", "aliyun-bj: registry registry.local"]));
  });
});

describe("Terraform and provider versions", () => {
  it("pin Terraform and the provider release the schema was checked against", eachVariant((tf) => {
    expect(tf.terraform.required_version).toBe(">= 1.5.0, < 2.0.0");
    expect(tf.terraform.required_providers.alicloud).toEqual({ source: "registry.terraform.io/aliyun/alicloud", version: "~> 1.289.0" });
  }));
});

/** `terraform plan` of the stack's variables and version constraint alone (no provider needed), with these values. */
function terraformPlan(tf: TerraformJson, values: Record<string, string>): { status: number; output: string } {
  const dir = mkdtempSync(join(tmpdir(), "dcp-tf-vars-"));
  try {
    const outputs = Object.fromEntries(Object.keys(tf.variable).map((v) => [v, { value: `\${length(var.${v})}` }]));
    writeFileSync(join(dir, "main.tf.json"), JSON.stringify({ terraform: { required_version: tf.terraform.required_version }, variable: tf.variable, output: outputs }));
    writeFileSync(join(dir, "values.tfvars.json"), JSON.stringify(values));
    const run = (args: string[]) => spawnSync("terraform", args, { cwd: dir, encoding: "utf8", env: { ...process.env, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" } });
    const init = run(["init", "-input=false", "-no-color"]);
    if (init.status !== 0) throw new Error(`terraform init: ${init.stderr}`);
    const plan = run(["plan", "-input=false", "-no-color", "-var-file=values.tfvars.json"]);
    return { status: plan.status ?? 1, output: `${plan.stdout}\n${plan.stderr}`.replace(/\s+/g, " ") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The cloud fleets' hosts as the scheduler would see them once ESS made them. */
function fleetHosts(desired: DesiredState): SchedulerHost[] {
  return desired.fleets
    .filter((f) => f.idc === "aliyun-bj")
    .flatMap((f) =>
      Array.from({ length: f.desiredHosts }, (_, i): SchedulerHost => {
        const zone = desired.idcs.find((x) => x.name === f.idc)!.zones[0];
        return { node: `${f.name}-${i}`, idc: f.idc, zone, fleet: f.name, attributes: { idc: f.idc, zone, fleet: f.name }, capacity: { ...f.hostClass }, reserved: { cpu: 0, memoryMiB: 0 }, usedPorts: [], poolCounts: {}, healthy: true, initialised: true, buffer: false };
      }),
    );
}

/** The containers sizing put in the cloud IDC, as scheduler requests. */
function requests(desired: DesiredState, synthesized: SynthesizeResult): ContainerRequest[] {
  return desired.pools.flatMap((p) => {
    const inCloud = synthesized.summary.allocations.filter((a) => a.pool === p.name && a.idc === "aliyun-bj").reduce((n, a) => n + a.containers, 0);
    return Array.from({ length: inCloud }, (_, i) => ({
      pool: p.name,
      instance: String(i),
      resources: CONTAINER_TYPES[p.containerType],
      ports: p.ports.map((x) => x.port),
      idcs: ["aliyun-bj"],
      constraints: p.placement.constraints.map((c) => parseConstraint(c)),
      antiAffinity: p.placement.antiAffinity === "host",
      strategy: p.placement.strategy,
    }));
  });
}
