/** The Terraform runner (runtime/terraform): where each stack's state is read, what a failure says. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findTerraform, StackWorkspace, summary, withStackWorkspaces } from "../../../runtime/terraform";

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), "dcp-tf-workspace-"));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

const project = () => join(tmp, "project");
const stack = (backend?: object) => ({ name: "s1", terraform: { ...(backend ? { terraform: { backend } } : {}), resource: { terraform_data: { m: { input: "v1" } } } } });
const written = (w: StackWorkspace) => JSON.parse(readFileSync(join(w.dir, "cdk.tf.json"), "utf8"));

describe("a stack's state", () => {
  test("a relative local-backend path is read where cdktf deploy keeps it", () => {
    const w = new StackWorkspace("terraform", stack({ local: { path: "terraform.s1.tfstate" } }), project(), join(tmp, "w"));
    const expected = join(project(), "cdktf.out", "stacks", "s1", "terraform.s1.tfstate");
    expect(w.statePath).toBe(expected);
    expect(written(w).terraform.backend.local.path).toBe(expected);
  });

  test("an absolute path is kept, a local backend without a path uses terraform.tfstate", () => {
    expect(new StackWorkspace("terraform", stack({ local: { path: "/var/state/s1.tfstate" } }), project(), join(tmp, "a")).statePath).toBe("/var/state/s1.tfstate");
    expect(new StackWorkspace("terraform", stack({ local: {} }), project(), join(tmp, "b")).statePath).toBe(join(project(), "cdktf.out", "stacks", "s1", "terraform.tfstate"));
  });

  test("another backend is left as configured", () => {
    const oss = { oss: { bucket: "b" } };
    const w = new StackWorkspace("terraform", stack(oss), project(), join(tmp, "o"));
    expect(w.statePath).toBeUndefined();
    expect(written(w)).toEqual(stack(oss).terraform);
  });
});

test("the scratch directory is removed afterwards, also when the work fails", async () => {
  let dir = "";
  await expect(
    withStackWorkspaces("terraform", project(), async (open) => {
      dir = open(stack()).dir;
      expect(existsSync(dir)).toBe(true);
      throw new Error("boom");
    }),
  ).rejects.toThrow("boom");
  expect(existsSync(dir)).toBe(false);
});

test("a summary quotes Terraform's Error lines, else its last lines", () => {
  expect(summary("╷\n│ Error: No valid credential sources found\n│\n│ Error: second\n╵\n")).toBe("Error: No valid credential sources found / Error: second");
  expect(summary("one\ntwo\nthree\nfour\n")).toBe("two / three / four");
  expect(summary("a\nb\nc\n", 1)).toBe("c");
  expect(summary("\n \n")).toBe("no output");
});

// The built-in `terraform` provider (terraform_data) needs no download, so this runs offline.
const tf = findTerraform();
(tf ? test : test.skip)("init and a saved plan through the real binary, without writing the project's state", async () => {
  const json = await withStackWorkspaces(tf!, project(), async (open) => {
    const w = open(stack({ local: { path: "terraform.s1.tfstate" } }));
    expect((await w.init()).code).toBe(0);
    expect((await w.plan("-out=p.tfplan")).code).toBe(0);
    return (await w.showJson("p.tfplan")) as { resource_changes: Array<{ address: string; change: { actions: string[] } }> };
  });
  expect(json.resource_changes.map((c) => [c.address, c.change.actions])).toEqual([["terraform_data.m", ["create"]]]);
  expect(existsSync(join(project(), "cdktf.out"))).toBe(false);
}, 120_000);
