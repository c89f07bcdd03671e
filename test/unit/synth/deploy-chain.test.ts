/**
 * The Terraform that chains hosts and the runtime (constructs/runtime-deploy.ts,
 * local-site-hosts.ts): what each resource runs, after what, and when it runs again.
 * The order Terraform gives these resources is checked against the real binary in
 * test/fleet/deploy.test.ts.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { synthesize, SynthesizeResult } from "../../../constructs/synthesize";
import { desiredStateSha256 } from "../../../model/desired-state";
import { LocalSiteTarget } from "../../../local-site";
import { PROJECT_DIR } from "../../support/stack-fixture";
import { findTerraform, withStackWorkspaces } from "../../../runtime/terraform";

const SITE: LocalSiteTarget = { name: "dcpx", image: "192.168.90.1:5000/dcp/demo:1", entryImage: "192.168.90.1:5000/dcp/entry:1", ledger: {}, refills: {}, refillHostsFile: "/nonexistent/refill-hosts.json" };
const localOf = (site: LocalSiteTarget = SITE, projectDir = PROJECT_DIR) => synthesize(projectDir, { profile: "local", localSite: site });
const data = (r: SynthesizeResult) => r.stacks[0].terraform.resource.terraform_data;
/** The hosts synth knows, by node (`local.hosts`, which the host block's for_each merges with the refill file). */
const hostsOf = (r: SynthesizeResult): Record<string, any> => r.stacks[0].terraform.locals.hosts;

let local: SynthesizeResult;
let cloud: SynthesizeResult;
let dir: string;
beforeAll(async () => {
  local = await localOf();
  cloud = await synthesize(PROJECT_DIR);
  dir = mkdtempSync(join(tmpdir(), "dcp-chain-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A project with this repository's stacks and a copy of its pool files, feed-api's replicas set. */
function projectWithFeedApi(replicas: number): string {
  const root = mkdtempSync(join(dir, "p-"));
  cpSync(join(PROJECT_DIR, "stacks", "pools"), join(root, "stacks", "pools"), { recursive: true });
  writeFileSync(join(root, "stacks", "index.ts"), `export { buildStacks } from ${JSON.stringify(join(PROJECT_DIR, "stacks"))};\n`);
  const file = join(root, "stacks", "pools", "feed-api.yaml");
  writeFileSync(file, readFileSync(file, "utf8").replace(/^replicas: 120 /m, `replicas: ${replicas} `));
  return root;
}

describe("local profile: hosts", () => {
  it("is one terraform_data block with a host per key, carrying all its destroy provisioner needs", () => {
    const host = data(local).host;
    const nodes = local.desired.fleets.flatMap((f) => f.hosts!);
    expect(Object.keys(hostsOf(local)).sort()).toEqual([...nodes].sort());
    expect(host.for_each).toBe(`\${merge(local.hosts, try(jsondecode(file("${SITE.refillHostsFile}")), {}))}`);
    expect(hostsOf(local)["dcpx-h41"]).toEqual({ site: "dcpx", node: "dcpx-h41", fleet: "bj-standard", idc: "aliyun-bj", zone: "cn-beijing-h", cpu: 16, memoryMiB: 32768, cloud: true, generation: 0 });
    expect(host.input).toBe("${each.value}");
    expect(host.triggers_replace).toBe("${each.value}");
    const [create, destroy] = host.provisioner.map((p: any) => p["local-exec"]);
    expect(create.when).toBeUndefined();
    for (const field of ["site", "node", "fleet", "idc", "zone", "cpu", "memoryMiB", "cloud", "generation"]) expect(create.command).toContain(`\${self.input.${field}}`);
    expect(create.command).toMatch(/^\.\.\/\.\.\/\.\.\/bin\/dcp host add /);
    expect(destroy).toEqual({ when: "destroy", command: "../../../bin/dcp host remove --site ${self.input.site} --node ${self.input.node} --generation ${self.input.generation}" });
    // Provisioners run where cdktf runs Terraform: the stack's directory.
    expect(existsSync(resolve(PROJECT_DIR, "cdktf.out", "stacks", "example", "../../../bin/dcp"))).toBe(true);
  });

  it("gives a host that went away its next generation, and only that host", async () => {
    const again = await localOf({ ...SITE, ledger: { "dcpx-h1": { generation: 2, live: true }, "dcpx-h42": { generation: 0, live: false } } });
    const generations = Object.fromEntries(Object.entries<any>(hostsOf(again)).map(([node, h]) => [node, h.generation]));
    expect(generations["dcpx-h1"]).toBe(2);
    expect(generations["dcpx-h42"]).toBe(1);
    expect(Object.entries(generations).filter(([node]) => node !== "dcpx-h1" && node !== "dcpx-h42").every(([, g]) => g === 0)).toBe(true);
    expect(data(again).runtime.triggers_replace.hosts).toContain("dcpx-h42@1");
    expect(data(again).runtime.triggers_replace.desired_sha256).toBe(data(local).runtime.triggers_replace.desired_sha256);
  });
});

describe("local profile: hosts a refill added", () => {
  const refill = { node: "dcpx-h42", fleet: "bj-standard", idc: "aliyun-bj", zone: "cn-beijing-i", cpu: 16, memoryMiB: 32768, cloud: true, generation: 0 };

  it("stay in their fleet: listed for the runtime, in local.hosts, and their slot is not given to a sized host", async () => {
    const refilled = await localOf({ ...SITE, refills: { [refill.node]: refill } });
    const bj = (r: SynthesizeResult) => r.desired.fleets.find((f) => f.name === "bj-standard")!.hosts!;
    expect(bj(refilled)).toContain(refill.node);
    expect(bj(refilled)).toHaveLength(bj(local).length + 1);
    // The sized hosts are as many as before, numbered past the refill's slot.
    expect(bj(refilled).filter((n) => n !== refill.node)).toEqual([...bj(local).filter((n) => n !== refill.node), `dcpx-h${40 + bj(local).length + 1}`]);
    expect(hostsOf(refilled)[refill.node]).toEqual({ site: "dcpx", ...refill });
    expect(data(refilled).runtime.triggers_replace.hosts).toContain(`${refill.node}@0`);
  });

  const tf = findTerraform();
  (tf ? it : it.skip)("join the hosts when Terraform runs, from the site's refill file, without a synth", async () => {
    const file = join(dir, "refill-hosts.json");
    const stack = (await localOf({ ...SITE, refillHostsFile: file })).stacks[0];
    const planned = () =>
      withStackWorkspaces(tf!, mkdtempSync(join(dir, "p-")), async (open) => {
        const w = open(stack);
        expect((await w.init()).code).toBe(0);
        const plan = await w.plan("-out=p.tfplan");
        expect(plan.output).not.toMatch(/Error/);
        const json = (await w.showJson("p.tfplan")) as { resource_changes: Array<{ address: string; change: { after: { input?: { node?: string } } } }> };
        return json.resource_changes.filter((c) => c.address.startsWith("terraform_data.host[")).map((c) => c.change.after.input!.node!);
      });
    const without = await planned();
    expect(without.sort()).toEqual(Object.keys(hostsOf(local)).sort());
    writeFileSync(file, JSON.stringify({ "dcpx-h77": { ...refill, site: "dcpx", node: "dcpx-h77" } }));
    expect((await planned()).sort()).toEqual([...without, "dcpx-h77"].sort());
  }, 120_000);
});

describe("local profile: runtime and teardown", () => {
  it("runs the runtime after the hosts, create-before-destroy, with the stack's desired state checked against its digest", () => {
    const runtime = data(local).runtime;
    expect(runtime.depends_on).toEqual(["terraform_data.host"]);
    expect(runtime.lifecycle).toEqual({ create_before_destroy: true });
    expect(runtime.triggers_replace.desired_sha256).toBe(desiredStateSha256(local.desired));
    expect(runtime.triggers_replace.hosts).toBe(local.desired.fleets.flatMap((f) => f.hosts!).map((node) => `${node}@${hostsOf(local)[node].generation}`).join(","));
    const [exec] = runtime.provisioner.map((p: any) => p["local-exec"]);
    expect(exec.when).toBeUndefined();
    expect(exec.command).toMatch(/^\.\.\/\.\.\/\.\.\/bin\/dcp apply --profile local --site dcpx --desired desired\.json /);
    expect(exec.command).toContain("--desired-sha256 ${self.triggers_replace.desired_sha256}");
    expect(exec.command).toMatch(/--wait-init \d+/);
    expect(exec.command).toMatch(/\|\| test \$\? -eq 2$/);
  });

  it("has no destroy-time provisioner on the runtime; the teardown, created once, takes containers down on destroy", () => {
    const { runtime, teardown } = data(local);
    expect(runtime.provisioner.some((p: any) => p["local-exec"].when === "destroy")).toBe(false);
    expect(teardown.depends_on).toEqual(["terraform_data.host"]);
    expect(teardown.triggers_replace).toBeUndefined();
    expect(teardown.provisioner).toEqual([
      { "local-exec": { when: "destroy", command: "../../../bin/dcp apply --profile local --site dcpx --desired desired.json --wait-lock 300 --progress lines --take-down || test $? -eq 2" } },
    ]);
  });

  it("runs again when a pool file changes the desired state, and Terraform then also adds the hosts sizing asks for", async () => {
    const raised = await localOf(SITE, projectWithFeedApi(600));
    const before = data(local);
    const after = data(raised);
    expect(after.runtime.triggers_replace.desired_sha256).not.toBe(before.runtime.triggers_replace.desired_sha256);
    const added = Object.keys(hostsOf(raised)).filter((n) => !(n in hostsOf(local)));
    expect(added.length).toBeGreaterThan(0);
    expect(Object.keys(hostsOf(local)).every((n) => n in hostsOf(raised))).toBe(true);
    expect(added.every((n) => after.runtime.triggers_replace.hosts.includes(`${n}@0`))).toBe(true);
  }, 60_000);

  it("is the same Terraform and desired state on every synth of the same inputs", async () => {
    const again = await localOf();
    expect(again.stacks).toEqual(local.stacks);
    expect(again.desired).toEqual(local.desired);
  });
});

describe("cloud profile: runtime", () => {
  it("runs after the scaling groups, waits for their hosts' init status, and runs again when a fleet's size or group changes", () => {
    const tf = cloud.stacks[0].terraform;
    const groups = Object.keys(tf.resource.alicloud_ess_scaling_group).map((name) => `alicloud_ess_scaling_group.${name}`);
    const { runtime, teardown } = tf.resource.terraform_data;
    expect([...runtime.depends_on].sort()).toEqual([...groups].sort());
    expect([...teardown.depends_on].sort()).toEqual([...groups].sort());
    const cloudFleets = cloud.desired.fleets.filter((f) => f.idc === "aliyun-bj").map((f) => `${f.name}=${f.desiredHosts}`);
    expect(cloudFleets).toEqual(["bj-standard=" + cloud.desired.fleets.find((f) => f.name === "bj-standard")!.desiredHosts, expect.stringMatching(/^bj-entry=\d+$/)]);
    expect(runtime.triggers_replace.hosts).toBe([...cloudFleets, ...runtime.depends_on.map((g: string) => `\${${g}.id}`)].join(","));
    const [exec] = runtime.provisioner.map((p: any) => p["local-exec"]);
    expect(exec.command).toMatch(/^\.\.\/\.\.\/\.\.\/bin\/dcp apply --profile cloud --desired desired\.json /);
    expect(exec.command).not.toContain("--site");
    expect(exec.command).toMatch(/--wait-init 600/);
    expect(cloud.desired.fleets.every((f) => f.hosts === undefined)).toBe(true);
  });
});

describe("dcp apply as the runtime resources run it", () => {
  const dcp = (args: string[]) =>
    spawnSync(join(PROJECT_DIR, "bin", "dcp"), args, { cwd: dir, encoding: "utf8", env: { ...process.env, CONSUL_HTTP_ADDR: "http://127.0.0.1:1" } });

  it("refuses a desired.json that is not the one Terraform planned with, before it reaches Consul", () => {
    const file = join(dir, "desired.json");
    writeFileSync(file, JSON.stringify(local.desired, null, 2));
    const planned = desiredStateSha256(local.desired);
    const other = dcp(["apply", "--profile", "local", "--desired", file, "--desired-sha256", "0".repeat(64)]);
    expect(other.status).toBe(1);
    expect(other.stderr).toContain(`${file} is not the desired state this run was planned with (SHA-256 ${planned.slice(0, 12)}`);
    expect(other.stderr).toContain("nothing was changed");
    // The right digest passes the check and goes on to Consul, which is not there.
    const same = dcp(["apply", "--profile", "local", "--desired", file, "--desired-sha256", planned]);
    expect(same.status).toBe(1);
    expect(same.stderr).not.toContain("is not the desired state");
    expect(same.stderr).toMatch(/127\.0\.0\.1:1/);
  }, 60_000);

  it("has nothing to take down on a site that is not up (cdktf destroy after dcp down)", () => {
    const file = join(dir, "desired.json");
    writeFileSync(file, JSON.stringify(local.desired));
    const r = dcp(["apply", "--profile", "local", "--site", "dcpnosuch", "--desired", file, "--take-down"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Site dcpnosuch is not up: nothing to take down.");
  }, 60_000);
});
