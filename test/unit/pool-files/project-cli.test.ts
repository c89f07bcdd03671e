/**
 * Broken pool files in a project, through the real CLI: `dcp validate` (which synthesizes
 * the project in memory) and `dcp synth` must both exit 1, name the file and line, and
 * write no output directory. The project is a temporary copy of this one: stacks/ copied,
 * everything else linked.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

jest.setTimeout(180_000);

const root = path.resolve(__dirname, "../../..");
const dcp = path.join(root, "bin", "dcp");

let project: string;
beforeEach(() => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), "dcp-project-"));
  for (const entry of fs.readdirSync(root)) {
    if (![".git", "stacks", "cdktf.out"].includes(entry)) fs.symlinkSync(path.join(root, entry), path.join(project, entry));
  }
  fs.cpSync(path.join(root, "stacks"), path.join(project, "stacks"), { recursive: true });
});
afterEach(() => fs.rmSync(project, { recursive: true, force: true }));

function run(...args: string[]) {
  const result = spawnSync(dcp, args, { cwd: project, encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Edits an example pool file; fails loudly if the example no longer contains `from`. */
function edit(pool: string, from: string, to: string): void {
  const file = path.join(project, "stacks", "pools", `${pool}.yaml`);
  const text = fs.readFileSync(file, "utf8");
  expect(text).toContain(from);
  fs.writeFileSync(file, text.replace(from, to));
}

const broken: Array<[what: string, breakIt: () => void, expected: string]> = [
  ["a misspelt strategy", () => edit("feed-api", "strategy: spread ", "strategy: spraed "), `stacks/pools/feed-api.yaml:22:13: placement.strategy: must be one of binpack, spread, random (got "spraed"; did you mean "spread"?)`],
  ["a YAML syntax error", () => edit("hongbao-api", "idcs: [yf-private, aliyun-bj]", "idcs: [yf-private, aliyun-bj"), "stacks/pools/hongbao-api.yaml:"],
  ["an IDC that does not exist", () => edit("remind-api", "idcs: [yf-private, aliyun-bj]", "idcs: [yf-private, aliyun-sh]"), `stacks/pools/remind-api.yaml:9:20: pool "remind-api": idcs[1]: IDC "aliyun-sh" is not defined`],
  ["a dependency cycle", () => edit("feed-cache", "owner: feed-team", "dependencies: [{ pool: feed-api, ratio: 0.1 }]\nowner: feed-team"), "feed-api → feed-cache → feed-api"],
  ["a dependency on a missing pool", () => edit("feed-api", "pool: feed-cache,", "pool: feed-cach,"), `depends on "feed-cach", which is not defined`],
];

test("the unbroken copy validates and synthesizes (the checks below can pass)", () => {
  const validate = run("validate");
  expect(validate.stderr).toBe("");
  expect(validate.stdout).toContain("5 pool files valid; the project synthesizes for profile cloud");
  expect(validate.status).toBe(0);
  expect(fs.existsSync(path.join(project, "cdktf.out"))).toBe(false);
  const synth = run("synth");
  expect(synth.status).toBe(0);
  expect(fs.existsSync(path.join(project, "cdktf.out", "stacks", "example", "cdk.tf.json"))).toBe(true);
});

describe.each(broken)("a project with %s", (_what, breakIt, expected) => {
  test("fails `dcp validate` with exit 1 and names the place", () => {
    breakIt();
    const before = fs.readdirSync(project);
    const result = run("validate");
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(expected);
    expect(fs.readdirSync(project)).toEqual(before);
  });

  test("fails `dcp synth` with exit 1 and writes no output directory", () => {
    breakIt();
    const before = fs.readdirSync(project);
    const result = run("synth");
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(expected);
    expect(fs.existsSync(path.join(project, "cdktf.out"))).toBe(false);
    // Not even synth's work directory is left behind.
    expect(fs.readdirSync(project)).toEqual(before);
  });
});

test("a failed synth leaves an earlier output directory as it was", () => {
  expect(run("synth").status).toBe(0);
  const terraform = path.join(project, "cdktf.out", "stacks", "example", "cdk.tf.json");
  const before = fs.readFileSync(terraform, "utf8");
  edit("feed-api", "replicas: 120", "replicas: 240\nreplicas: 120");
  const result = run("synth");
  expect(result.status).toBe(1);
  expect(result.stderr).toContain("stacks/pools/feed-api.yaml:9:1: replicas: field is written twice (first at line 8)");
  expect(fs.readFileSync(terraform, "utf8")).toBe(before);
});
