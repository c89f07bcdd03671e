/**
 * `dcp validate` through the real CLI (bin/dcp, a child process): exit codes, messages
 * on stderr, and nothing written.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expectations, malformedDir, malformedFixtures } from "./expectations";

jest.setTimeout(120_000);

const root = path.resolve(__dirname, "../../..");
const dcp = path.join(root, "bin", "dcp");

function run(args: string[], cwd: string) {
  const result = spawnSync(dcp, args, { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Every file under dir with its content, to show that a failed run changed nothing. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const file = path.join(entry.parentPath, entry.name);
      files[path.relative(dir, file)] = fs.readFileSync(file, "utf8");
    }
  }
  return files;
}

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "dcp-validate-"));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

test.each(malformedFixtures)("a directory with %s fails with exit 1, names every place, writes nothing", (fixture) => {
  const pools = path.join(tmp, "pools");
  fs.mkdirSync(pools);
  fs.copyFileSync(path.join(malformedDir, fixture), path.join(pools, fixture));
  const before = snapshot(tmp);

  const result = run(["validate", "--dir", "pools"], tmp);

  expect(result.status).toBe(1);
  expect(result.stdout).toBe("");
  // Paths inside the working directory are shown relative to it.
  for (const e of expectations(path.join(malformedDir, fixture))) {
    // A problem with the file as a whole (empty, YAML syntax) has no field.
    const field = e.field ? `${e.field}: ` : "";
    expect(result.stderr).toContain(`pools/${fixture}:${e.line}:${e.column}: ${field}${e.message}`);
  }
  expect(result.stderr.startsWith("error: ")).toBe(true);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(snapshot(tmp)).toEqual(before);
});

test("valid pool files pass with exit 0 and a count", () => {
  for (const f of ["feed-api.yaml", "feed-cache.yaml"]) fs.copyFileSync(path.join(root, "stacks", "pools", f), path.join(tmp, f));
  const result = run(["validate", "--dir", "."], tmp);
  expect(result.stderr).toBe("");
  expect(result.stdout.trim()).toBe("2 pool files valid");
  expect(result.status).toBe(0);
});

test("a dependency on a pool that no file defines fails (pools are checked together)", () => {
  fs.copyFileSync(path.join(root, "stacks", "pools", "feed-api.yaml"), path.join(tmp, "feed-api.yaml"));
  const result = run(["validate", "--dir", tmp], tmp);
  expect(result.status).toBe(1);
  expect(result.stderr).toContain(`depends on "feed-cache", which is not defined`);
  expect(result.stderr).toContain(`error: feed-api.yaml:5: `);
});

test("an empty or missing directory is an error, not a success", () => {
  expect(run(["validate", "--dir", tmp], tmp)).toMatchObject({ status: 1, stderr: expect.stringContaining("no pool files") });
  const missing = path.join(os.tmpdir(), "dcp-no-such-dir");
  expect(run(["validate", "--dir", missing], tmp)).toMatchObject({ status: 1, stderr: expect.stringContaining(`${missing} does not exist`) });
});
