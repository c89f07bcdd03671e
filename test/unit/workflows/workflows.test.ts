/**
 * The GitHub workflows call dcp with exact commands. This runs the plan workflow's step
 * as written (bash, the same environment variables) against a generated base directory,
 * and checks every dcp flag the workflows use exists.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import { parse } from "yaml";
import schema from "../../../schema/plan.schema.json";
import { DCP, poolSet, REPO, setReplicas } from "../review/pool-sets";

interface Step { name?: string; run?: string; id?: string }
const workflow = (name: string) => parse(readFileSync(join(REPO, ".github", "workflows", name), "utf8"));
const steps = (wf: any): Step[] => Object.values<any>(wf.jobs).flatMap((j) => j.steps as Step[]);

/** `bin/dcp <command> --flags…` lines in a workflow's run scripts. */
function dcpCommands(wf: any): Array<{ command: string; flags: string[] }> {
  return steps(wf)
    .flatMap((s) => (s.run ?? "").split("\n"))
    .map((l) => l.trim())
    .filter((l) => l.startsWith("bin/dcp "))
    .map((l) => {
      const words = l.split(/\s+/);
      return { command: words[1], flags: words.filter((w) => w.startsWith("--")).map((w) => w.split("=")[0]) };
    });
}

describe("workflows", () => {
  test("plan-comment runs on pull requests, drift on a schedule", () => {
    expect(Object.keys(workflow("plan-comment.yml").on)).toEqual(["pull_request"]);
    expect(workflow("drift.yml").on.schedule[0].cron).toMatch(/^\S+ \S+ \S+ \S+ \S+$/);
    expect(dcpCommands(workflow("plan-comment.yml")).map((c) => c.command)).toEqual(["plan", "plan"]);
    expect(dcpCommands(workflow("drift.yml")).map((c) => c.command)).toEqual(["drift"]);
  });

  test("every dcp flag the workflows use exists", () => {
    for (const wf of ["plan-comment.yml", "drift.yml"]) {
      for (const { command, flags } of dcpCommands(workflow(wf))) {
        const help = spawnSync(DCP, [command, "--help"], { cwd: REPO, encoding: "utf8" });
        expect(help.status).toBe(0);
        for (const flag of flags) expect(`${wf}: ${command} ${flag} ${help.stdout.includes(flag) ? "exists" : "missing"}`).toBe(`${wf}: ${command} ${flag} exists`);
      }
    }
  }, 60_000);

  test("the plan step, run as written against a base directory, comments a plan and keeps a valid JSON plan", () => {
    const step = steps(workflow("plan-comment.yml")).find((s) => s.id === "plan")!;
    // feed-api autoscales, so max-step judges its max: 200 → 400 is more than max-step's 50%; the description overrides it.
    const lower = (text: string) => setReplicas(text, 60).replace(/^  max: 400/m, "  max: 200").replace("min: 300, timezone", "min: 200, timezone");
    const base = poolSet((file, text) => (file === "feed-api.yaml" ? lower(text) : text));
    const body = "Raise feed-api for the gala.\r\n\r\ndcp-override: max-step=Spring Festival peak, approved in SRE-1234\r\n";
    const temp = mkdtempSync(join(tmpdir(), "dcp-runner-"));
    const output = join(temp, "github-output");
    const run = spawnSync("bash", ["-e", "-c", step.run!], {
      cwd: REPO,
      encoding: "utf8",
      env: { ...process.env, BASE_REF: base, RUNNER_TEMP: temp, GITHUB_OUTPUT: output, PR_BODY: body },
      timeout: 180_000,
    });
    expect(run.stderr).not.toMatch(/^error:/m);
    expect(run.status).toBe(0);
    // A change, allowed by the override: exit 2.
    expect(readFileSync(output, "utf8")).toBe("exit=2\n");
    const md = readFileSync(join(temp, "plan.md"), "utf8");
    expect(md).toMatch(/^### dcp plan \(cloud\): changes/);
    expect(md).toMatch(/^- pool feed-api \(feed-team\) changed: replicas 60 → 120 \(\+60\)/m);
    expect(md).toMatch(/^- policy max-step: OVERRIDDEN — .* — reason: Spring Festival peak, approved in SRE-1234$/m);
    const json = JSON.parse(readFileSync(join(temp, "plan.json"), "utf8"));
    const validate = addFormats(new Ajv({ strict: false })).compile(schema);
    expect(validate(json)).toBe(true);
    expect(json.runtime).toMatchObject({ status: "skipped", note: "not requested (--no-runtime)" });
    expect(json.policies.find((p: any) => p.policy === "max-step")).toMatchObject({ status: "overridden", override: { reason: "Spring Festival peak, approved in SRE-1234" } });
  }, 200_000);
});
