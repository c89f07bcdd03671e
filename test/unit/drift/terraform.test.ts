import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findTerraform } from "../../../runtime/terraform";
import { missingVariables, refreshOnlyResult, terraformDrift } from "../../../runtime/drift/terraform";

describe("Terraform refresh-only result", () => {
  test("exit 0: no finding; exit 2: one finding quoting what changed", () => {
    expect(refreshOnlyResult("dcp-cloud", 0, "No changes.")).toEqual([]);
    const output = [
      "Note: Objects have changed outside of Terraform",
      "  # alicloud_security_group.sg has changed",
      "  # alicloud_instance.web[0] has been deleted",
    ].join("\n");
    const [f] = refreshOnlyResult("dcp-cloud", 2, output);
    expect(f).toMatchObject({ kind: "infrastructure", object: "stack dcp-cloud", repair: "manual" });
    expect(f.actual).toBe("alicloud_security_group.sg has changed; alicloud_instance.web[0] has been deleted");
  });

  test("any other exit is an error naming the stack and Terraform's error", () => {
    expect(() => refreshOnlyResult("dcp-cloud", 1, "│ Error: No valid credential sources found\n│ more")).toThrow(/stack dcp-cloud \(exit 1\): Error: No valid credential/);
  });
});

// The built-in `terraform` provider (terraform_data) needs no download, so this runs offline.
// Machines without terraform/tofu skip it (and say so in Jest's count).
const tf = findTerraform();
(tf ? describe : describe.skip)("refresh-only plan with a real terraform binary", () => {
  let project: string;
  const stack = (resource: object) => ({ name: "s1", terraform: { terraform: { backend: { local: { path: "terraform.s1.tfstate" } } }, resource } });
  const statePath = () => join(project, "cdktf.out", "stacks", "s1", "terraform.s1.tfstate");

  beforeEach(() => {
    project = mkdtempSync(join(tmpdir(), "dcp-drift-tf-test-"));
  });
  afterEach(() => rmSync(project, { recursive: true, force: true }));

  test("no drift: no finding, a note naming the state where cdktf deploy keeps it, and the project is only read", async () => {
    const result = await terraformDrift(tf!, project, [stack({ terraform_data: { marker: { input: "v1" } } })]);
    expect(result.findings).toEqual([]);
    expect(result.notes.join(" ")).toContain(`state ${statePath()}`);
    expect(existsSync(join(project, "cdktf.out"))).toBe(false);
  });

  test("a plan Terraform refuses is an error naming the stack and Terraform's error", async () => {
    await expect(terraformDrift(tf!, project, [stack({ terraform_data: { marker: { bogus: "v1" } } })])).rejects.toThrow(/stack s1 \(exit 1\): Error: Extraneous JSON object property/);
  });

  test("variables come from TF_VAR_ or var files, as for the apply; without a value the stack is not checked and the note names them", async () => {
    const withVariable = (terraform: object) => ({ name: "s3", terraform: { ...terraform, variable: { image: { type: "string" } }, resource: { terraform_data: { marker: { input: "${var.image}" } } } } });
    const s3 = withVariable({ terraform: { backend: { local: { path: "terraform.s3.tfstate" } } } });
    const none = await terraformDrift(tf!, project, [s3], { env: { PATH: process.env.PATH } });
    expect(none.notes).toEqual(["Terraform not checked for stack s3: variables image have no value; export TF_VAR_<name> as for cdktf deploy, or pass --var-file."]);
    expect(missingVariables(s3.terraform, { env: { TF_VAR_image: "m-1" } })).toEqual([]);
    expect((await terraformDrift(tf!, project, [s3], { env: { PATH: process.env.PATH, TF_VAR_image: "m-1" } })).findings).toEqual([]);
    writeFileSync(join(project, "values.tfvars.json"), JSON.stringify({ image: "m-2" }));
    const fromFile = await terraformDrift(tf!, project, [s3], { varFiles: ["values.tfvars.json"], env: { PATH: process.env.PATH } });
    expect(fromFile.notes.join(" ")).toContain("plan -refresh-only for stack s3");
  });

  test("providers that cannot be installed here: the stack is not checked, and a note says why", async () => {
    const offline = { name: "s2", terraform: { terraform: { required_providers: { nope: { source: "example.invalid/dcp/nope", version: "1.0.0" } } }, resource: { nope_thing: { x: {} } } } };
    const result = await terraformDrift(tf!, project, [offline]);
    expect(result.findings).toEqual([]);
    expect(result.notes.join(" ")).toMatch(/Terraform not checked for stack s2: .* init failed/);
  });
});
