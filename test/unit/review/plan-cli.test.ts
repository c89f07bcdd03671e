/**
 * `dcp plan --base` end to end on the example project: real synth of both sides in child
 * processes, for generated pool sets (scale-out, new pool, removed pool, dependency
 * ratio), a project copy with its own code (instance type change) and a git revision.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import { EXAMPLE_PRICES_FILE, HOURS_PER_MONTH, loadPrices } from "../../../cost/prices";
import { loadPolicyConfig } from "../../../policies";
import { buildPlanReview, skippedRuntime } from "../../../review/plan-review";
import { loadSnapshot } from "../../../review/snapshot";
import { PlanReview, SynthSnapshot } from "../../../review/types";
import schema from "../../../schema/plan.schema.json";
import { DCP, poolSet, REPO, setReplicas } from "./pool-sets";

const opts = { repoRoot: REPO, gitDir: REPO, profile: "cloud" as const };
const C7_MONTHLY = 3.2 * HOURS_PER_MONTH;

function review(base: SynthSnapshot, head: SynthSnapshot): PlanReview {
  return buildPlanReview({ base, head, profile: "cloud", prices: loadPrices(), priceFile: EXAMPLE_PRICES_FILE, policies: loadPolicyConfig(), overrides: new Map(), runtime: skippedRuntime("test") });
}

const pool = (r: PlanReview, name: string) => r.pools.find((p) => p.pool === name)!;
const fleet = (r: PlanReview, name: string) => r.fleets.find((f) => f.fleet === name)!;

/** A copy of the project with its own code, as a base directory, with `edit` applied to stacks/example.ts. */
function projectCopy(edit: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), "dcp-project-"));
  for (const d of ["constructs", ".gen", "stacks", "model", "yaml", "cli", "local-site", "hosts", "runtime", "schema"]) cpSync(join(REPO, d), join(dir, d), { recursive: true });
  for (const f of ["tsconfig.json", "package.json"]) cpSync(join(REPO, f), join(dir, f));
  symlinkSync(join(REPO, "node_modules"), join(dir, "node_modules"), "dir");
  const example = join(dir, "stacks", "example.ts");
  writeFileSync(example, edit(readFileSync(example, "utf8")));
  return dir;
}

describe("plan between example revisions (real synth)", () => {
  let head: SynthSnapshot;
  const bases: Record<string, SynthSnapshot> = {};

  beforeAll(async () => {
    const searchApi = [
      "name: search-api", "image: registry.local/search/search-api:3.1.0", "containerType: dP04", "replicas: 8",
      "idcs: [aliyun-bj]", "ports:", "  - { name: http, port: 8090 }", "owner: search-team", "",
    ].join("\n");
    // Each scenario is the BASE; the head is the checkout. So "scale-out" has a smaller base.
    const dirs: Record<string, string> = {
      scaleOut: poolSet((f, t) => (f === "feed-api.yaml" ? setReplicas(t, 90) : t)),
      removedPool: poolSet(),
      ratio: poolSet((f, t) => (f === "feed-api.yaml" ? t.replace("{ pool: feed-cache, ratio: 0.2 }", "{ pool: feed-cache, ratio: 0.5 }") : t)),
      instanceTypes: projectCopy((t) => t.replace('instanceTypes: ["ecs.c7.4xlarge", "ecs.c6.4xlarge", "ecs.c8i.4xlarge"]', 'instanceTypes: ["ecs.c6.4xlarge", "ecs.c7.4xlarge"]')),
    };
    // "removed pool": the base has one more pool than the head (the example).
    writeFileSync(join(dirs.removedPool, "search-api.yaml"), searchApi);
    const headDir = poolSet();
    const entries = Object.entries(dirs);
    const [h, ...snaps] = await Promise.all([loadSnapshot(headDir, opts), ...entries.map(([, d]) => loadSnapshot(d, opts))]);
    head = h;
    entries.forEach(([k], i) => (bases[k] = snaps[i]));
    // "new pool": a head with search-api, compared with the example as base.
    const withSearch = poolSet();
    writeFileSync(join(withSearch, "search-api.yaml"), searchApi);
    bases.newPoolHead = await loadSnapshot(withSearch, opts);
  }, 180_000);

  test("scale-out 90 → 120 feed-api: ratio brings feed-cache, hosts and cost follow", () => {
    const r = review(bases.scaleOut, head);
    expect(pool(r, "feed-api").replicas).toEqual({ base: 90, head: 120, delta: 30 });
    // ceil(0.2 × 90) = 18 → ceil(0.2 × 120) = 24.
    expect(pool(r, "feed-cache").effectiveReplicas.delta).toBe(6);
    const bj = fleet(r, "bj-standard");
    expect(bj.desiredHosts.delta).toBeGreaterThan(0);
    expect(r.cost.byFleet.find((f) => f.fleet === "bj-standard")!.delta.monthly).toBeCloseTo(bj.desiredHosts.delta * C7_MONTHLY, 1);
    const asg = r.resources.items.find((i) => i.address.startsWith("alicloud_ess_scaling_group."))!;
    expect(asg.action).toBe("update");
    expect(asg.attributes).toContainEqual({ path: "desired_capacity", before: bj.desiredHosts.base, after: bj.desiredHosts.head });
    expect(r.policies.filter((p) => p.status !== "pass")).toEqual([]);
    expect(r.exitCode).toBe(2);
  });

  test("new pool: added with its hosts, cost and owner", () => {
    const r = review(head, bases.newPoolHead);
    expect(pool(r, "search-api")).toMatchObject({ change: "added", owner: "search-team", replicas: { head: 8 } });
    // dP04 takes a whole 16-core host: 8 more hosts.
    expect(fleet(r, "bj-standard").desiredHosts.delta).toBe(8);
    expect(r.cost.byOwner.find((o) => o.owner === "search-team")!.head.monthly).toBeGreaterThan(0);
    expect(r.cost.total.delta.monthly).toBeCloseTo(8 * C7_MONTHLY, 1);
  });

  test("removed pool: removed, hosts and cost go down", () => {
    const r = review(bases.removedPool, head);
    expect(pool(r, "search-api")).toMatchObject({ change: "removed", replicas: { base: 8, head: 0 } });
    expect(fleet(r, "bj-standard").desiredHosts.delta).toBe(-8);
    expect(r.cost.total.delta.monthly).toBeCloseTo(-8 * C7_MONTHLY, 1);
  });

  test("dependency ratio 0.5 → 0.2: feed-cache shrinks; the hosts stay, set by feed-api's fixed port", () => {
    const r = review(bases.ratio, head);
    expect(pool(r, "feed-api")).toMatchObject({ change: "changed", changedFields: ["dependencies"] });
    // ceil(0.5 × 120) = 60 → ceil(0.2 × 120) = 24.
    expect(pool(r, "feed-cache").effectiveReplicas.delta).toBe(-36);
    // Host networking: 120 feed-api on port 8080 need 120 hosts either way, and the caches fit beside them.
    expect(fleet(r, "bj-standard").desiredHosts.delta).toBe(0);
    expect(pool(r, "feed-cache").cost.delta.monthly).toBeLessThan(0);
  });

  test("instance types (base project with its own code): the fallback list changes and the price follows the first type", () => {
    const r = review(bases.instanceTypes, head);
    const bj = fleet(r, "bj-standard");
    expect(bj.instanceTypes).toEqual({ base: ["ecs.c6.4xlarge", "ecs.c7.4xlarge"], head: ["ecs.c7.4xlarge", "ecs.c6.4xlarge", "ecs.c8i.4xlarge"] });
    expect(bj.desiredHosts.delta).toBe(0);
    const conf = r.resources.items.find((i) => i.address.startsWith("alicloud_ess_scaling_configuration."))!;
    expect(conf.attributes).toEqual(expect.arrayContaining([{ path: "instance_types.0", before: "ecs.c6.4xlarge", after: "ecs.c7.4xlarge" }, { path: "instance_types.2", after: "ecs.c8i.4xlarge" }]));
    // c6 3.05 → c7 3.20 per host-hour.
    expect(r.cost.byFleet.find((f) => f.fleet === "bj-standard")!.delta.hourly).toBeCloseTo(bj.desiredHosts.head * 0.15, 1);
  });
});

describe("dcp plan --base (CLI)", () => {
  const validate = addFormats(new Ajv({ strict: false })).compile(schema);

  test("a git revision as base: exported, synthesized with its own code, JSON valid", () => {
    const run = spawnSync(DCP, ["plan", "--base", "HEAD", "--no-runtime", "--no-terraform", "--json"], { cwd: REPO, encoding: "utf8", timeout: 120_000 });
    expect(run.stderr).not.toMatch(/^error:/m);
    expect([0, 2]).toContain(run.status);
    const json = JSON.parse(run.stdout);
    expect(validate(json)).toBe(true);
    expect(json.base.source).toBe("HEAD");
    expect(json.base.revision).toMatch(/^[0-9a-f]{40}$/);
    expect(json.notes).toContain("terraform plan not run (--no-terraform); resource changes come from comparing the synthesized configurations");
  }, 150_000);

  test("the local profile gets Terraform's own plan (built-in resources only: init works offline); the cloud keeps the synth comparison and says so", () => {
    const env = { ...process.env, CHECKPOINT_DISABLE: "1" };
    // A site that is not up and has no state here: Terraform plans every host, the runtime and its teardown.
    const local = spawnSync(DCP, ["plan", "--base", "HEAD", "--profile", "local", "--site", "dcpreview", "--no-runtime", "--json"], { cwd: REPO, encoding: "utf8", timeout: 150_000, env });
    expect([0, 2]).toContain(local.status);
    const review = JSON.parse(local.stdout);
    expect(review.resources.source).toBe("terraform");
    const hosts = review.resources.items.filter((i: { address: string }) => i.address.startsWith('terraform_data.host["dcpreview-h'));
    expect(hosts.length).toBeGreaterThan(0);
    expect(review.resources.items.map((i: { address: string; action: string }) => `${i.action} ${i.address}`)).toEqual(
      expect.arrayContaining(["create terraform_data.runtime", "create terraform_data.teardown"]),
    );
    expect(review.notes.join("\n")).not.toMatch(/comparing the synthesized configurations/);

    const cloud = spawnSync(DCP, ["plan", "--base", "HEAD", "--no-runtime", "--json"], { cwd: REPO, encoding: "utf8", timeout: 150_000, env });
    const cloudReview = JSON.parse(cloud.stdout);
    expect(cloudReview.resources.source).toBe("synth");
    expect(cloudReview.notes.join("\n")).toMatch(/init failed for stack example .*; resource changes come from comparing the synthesized configurations/);
  }, 300_000);

  test("a blocking policy exits 1 and says how to override; the override is recorded and exits 2", () => {
    // feed-api autoscales: max-step judges its max (a smaller max in the base), not its starting replicas.
    const base = poolSet((f, t) => (f === "feed-api.yaml" ? t.replace(/^  max: 400/m, "  max: 300") : t));
    const policy = join(mkdtempSync(join(tmpdir(), "dcp-policy-")), "policy.yaml");
    writeFileSync(policy, "policies:\n  max-step:\n    severity: error\n    maxHosts: 3\n");
    const args = ["plan", "--base", base, "--no-runtime", "--no-terraform", "--policy", policy, "--markdown"];
    const blocked = spawnSync(DCP, args, { cwd: REPO, encoding: "utf8", timeout: 120_000 });
    expect(blocked.status).toBe(1);
    expect(blocked.stderr).toContain('error: blocked by policy max-step; fix the change or pass --override max-step="<reason>"');
    expect(blocked.stdout).toMatch(/^- policy max-step: FAILED \(blocks\) — fleet bj-standard: \d+ → \d+ hosts changes \d+ hosts at once \(limit 3\)/m);
    const allowed = spawnSync(DCP, [...args, "--override", "max-step=peak drill OPS-77"], { cwd: REPO, encoding: "utf8", timeout: 120_000 });
    expect(allowed.status).toBe(2);
    expect(allowed.stdout).toContain("reason: peak drill OPS-77");
    expect(allowed.stdout).toContain("policies are computed with autoscaled pools at their max (feed-api at 400)");
  }, 250_000);

  test("bad input: unknown base, unknown policy in --override; exit 1 with a clear message", () => {
    const bad = spawnSync(DCP, ["plan", "--base", "no-such-ref-xyz", "--no-runtime"], { cwd: REPO, encoding: "utf8", timeout: 60_000 });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("error: no-such-ref-xyz: neither a directory nor a git revision");
    const override = spawnSync(DCP, ["plan", "--base", "HEAD", "--override", "max-stepp=x"], { cwd: REPO, encoding: "utf8", timeout: 60_000 });
    expect(override.status).toBe(1);
    expect(override.stderr).toContain('unknown policy "max-stepp"');
  }, 120_000);
});
