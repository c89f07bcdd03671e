import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findTerraform } from "../../../runtime/terraform";
import { actionOf, parseTerraformPlan, terraformPlan } from "../../../review/terraform-plan";
import { SynthSnapshot } from "../../../review/types";

const fixture = JSON.parse(readFileSync(join(__dirname, "fixtures", "terraform-plan.json"), "utf8"));

describe("Terraform JSON plan parser", () => {
  const items = parseTerraformPlan(fixture, "dcp");

  test("actions map to create / update / replace / delete; no-op and data reads are not changes", () => {
    expect(items.map((i) => [i.address, i.action])).toEqual([
      ["alicloud_ess_scaling_group.bj-standard", "update"],
      ["alicloud_ess_scaling_configuration.bj-standard", "replace"],
      ["alicloud_vswitch.cn-beijing-j", "create"],
      ["alicloud_security_group_rule.legacy", "delete"],
      ["alicloud_slb_load_balancer.entry", "update"],
    ]);
    expect(actionOf(["create", "delete"])).toBe("replace");
    expect(() => actionOf(["explode"])).toThrow(/unknown action list \[explode\]/);
  });

  test("updates carry the attributes that change", () => {
    expect(items[0].attributes).toEqual([
      { path: "desired_capacity", before: 54, after: 65 },
      { path: "max_size", before: 108, after: 130 },
    ]);
    expect(items[1].attributes).toEqual([
      { path: "id", before: "asc-1", unknown: true },
      { path: "instance_types.0", before: "ecs.c7.4xlarge", after: "ecs.c6.4xlarge" },
      { path: "instance_types.1", before: "ecs.c6.4xlarge", after: "ecs.c7.4xlarge" },
    ]);
  });

  test("values known only after apply are marked unknown", () => {
    expect(items[4].attributes).toEqual([
      { path: "address", before: "1.2.3.4", unknown: true },
      { path: "load_balancer_spec", before: "slb.s1.small", after: "slb.s2.small" },
    ]);
  });

  test("an unsupported format version is refused", () => {
    expect(() => parseTerraformPlan({ format_version: "2.0" }, "dcp")).toThrow(/unsupported JSON format_version "2.0"/);
  });
});

// Runs the real binary on a configuration with only Terraform's built-in provider, so it
// needs no download. Machines without terraform/tofu skip it (and say so in Jest's count).
const tf = findTerraform();
(tf ? describe : describe.skip)("terraform plan folded in (real terraform binary)", () => {
  test("plans against the project's local state: an input change is an update", async () => {
    const project = mkdtempSync(join(tmpdir(), "dcp-tfproj-"));
    const stackDir = join(project, "cdktf.out", "stacks", "dcp");
    mkdirSync(stackDir, { recursive: true });
    const config = (input: string) => ({
      terraform: { backend: { local: { path: "terraform.dcp.tfstate" } } },
      resource: { terraform_data: { marker: { input } }, },
    });
    writeFileSync(join(stackDir, "cdk.tf.json"), JSON.stringify(config("v1")));
    execFileSync(tf!, ["init", "-input=false", "-no-color"], { cwd: stackDir, stdio: "ignore" });
    execFileSync(tf!, ["apply", "-auto-approve", "-input=false", "-no-color"], { cwd: stackDir, stdio: "ignore" });

    const head: SynthSnapshot = {
      source: ".",
      stacks: [{ name: "dcp", terraform: { ...config("v2"), resource: { terraform_data: { marker: { input: "v2" }, added: { input: "x" } } } } }],
      desired: { version: 1, idcs: [], fleets: [], pools: [] },
    };
    const result = await terraformPlan(head, project);
    if (!("section" in result)) throw new Error(result.skipped);
    expect(result.section.source).toBe("terraform");
    expect(result.section.counts).toEqual({ create: 1, update: 1, delete: 0, replace: 0 });
    const marker = result.section.items.find((i) => i.address === "terraform_data.marker")!;
    expect(marker.action).toBe("update");
    expect(marker.attributes).toEqual(expect.arrayContaining([{ path: "input", before: "v1", after: "v2" }]));
  }, 120_000);
});
