/**
 * The local site's buffer refill (local-site/refill.ts): which hosts a refill adds, where
 * it keeps them, and that the Terraform apply it starts reports its outcome. The apply
 * itself (real Terraform making real hosts) runs in test/fleet/deploy.test.ts; here the
 * binary does not exist, so the outcome is the failure it must report.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalSiteCapacity, readRefillHosts, refillHostsFile } from "../../../local-site";
import { FleetSpec, IdcSpec } from "../../../model/desired-state";

let dir: string;
let lines: string[];
const site = () => ({ name: "dcpx", stateDir: join(dir, "state") });
const bj: FleetSpec = { name: "bj-standard", idc: "aliyun-bj", hostClass: { cpu: 16, memoryMiB: 32768 }, instanceTypes: [], chargeType: "PostPaid", hostsForPools: 1, bufferHosts: 1, freeHosts: 0, desiredHosts: 2, hosts: ["dcpx-h41", "dcpx-h42"] };
const idc = { name: "aliyun-bj", kind: "cloud", zones: ["cn-beijing-h", "cn-beijing-i", "cn-beijing-j"] } as IdcSpec;
const instance = (node: string, fleet: string, zone: string) => ({
  index_key: node,
  attributes: { input: { value: { site: "dcpx", node, fleet, idc: fleet === "bj-standard" ? "aliyun-bj" : "yf-private", zone, cpu: 16, memoryMiB: 32768, cloud: true, generation: 0 } } },
});

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "dcp-refill-test-"));
  lines = [];
  mkdirSync(join(dir, "state"));
  const stack = join(dir, "project", "cdktf.out", "stacks", "example");
  mkdirSync(stack, { recursive: true });
  const resources = [{ mode: "managed", type: "terraform_data", name: "host", instances: [instance("dcpx-h1", "yf-standard", "yf-a"), instance("dcpx-h41", "bj-standard", "cn-beijing-h"), instance("dcpx-h42", "bj-standard", "cn-beijing-i")] }];
  writeFileSync(join(stack, "terraform.example.tfstate"), JSON.stringify({ version: 4, resources }));
  writeFileSync(join(stack, "cdk.tf.json"), JSON.stringify({ terraform: { backend: { local: { path: "terraform.example.tfstate" } } } }));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const capacity = () => new LocalSiteCapacity(site(), join(dir, "project"), (line) => lines.push(line), join(dir, "no-such-terraform"));

test("a refill takes the fleet's next free slots, shaped like its hosts, zones by slot as synth gives them, and keeps them in the site's refill file", async () => {
  const c = capacity();
  const first = c.of(bj, idc).refill(bj.name, 2);
  // One apply at a time: a refill asked for while it runs waits for a later pass.
  await expect(c.of(bj, idc).refill(bj.name, 1)).rejects.toThrow("the local Terraform is still making the last refill's hosts");
  expect(await first).toBe("local Terraform (stack example) making dcpx-h43, dcpx-h44");
  // Kept as the hosts' Terraform inputs (the site named); read back as hosts.
  const kept = JSON.parse(readFileSync(refillHostsFile(site()), "utf8"));
  expect(Object.keys(kept)).toEqual(["dcpx-h43", "dcpx-h44"]);
  expect(kept["dcpx-h43"]).toEqual({ site: "dcpx", node: "dcpx-h43", fleet: "bj-standard", idc: "aliyun-bj", zone: "cn-beijing-j", cpu: 16, memoryMiB: 32768, cloud: true, generation: 0 });
  expect(kept["dcpx-h44"].zone).toBe("cn-beijing-h");
  const { site: _site, ...h43 } = kept["dcpx-h43"];
  expect(readRefillHosts(site())["dcpx-h43"]).toEqual(h43);
  expect([...c.added()]).toEqual([["bj-standard", ["dcpx-h43", "dcpx-h44"]]]);
  for (let i = 0; i < 50 && lines.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
  expect(lines).toEqual([expect.stringMatching(/^refill: local Terraform failed to make dcpx-h43, dcpx-h44 \(stack example\): .*no-such-terraform/)]);
  // The failed hosts stay in the file (the next apply makes them); a new refill takes the slot after them.
  expect(await c.of(bj, idc).refill(bj.name, 1)).toBe("local Terraform (stack example) making dcpx-h45");
});

test("a fleet no Terraform state made hosts for cannot be refilled, and the error says how to get one", async () => {
  const other = { ...bj, name: "sh-standard" };
  await expect(capacity().of(other, idc).refill(other.name, 1)).rejects.toThrow(/fleet sh-standard: no Terraform state under .* made its hosts on site dcpx; .*deploy the stack with cdktf deploy/);
  expect(readRefillHosts(site())).toEqual({});
});
