import { loadPrices, EXAMPLE_PRICES_FILE } from "../../../cost/prices";
import { loadPolicyConfig, parseOverrides } from "../../../policies";
import { buildPlanReview, runtimeSection, skippedRuntime } from "../../../review/plan-review";
import { planReport } from "../../../review/plan-report";
import { renderMarkdown, renderOutput, renderTable } from "../../../output";
import { examplePools, snapshot } from "./scenario";

const base = snapshot("origin/main", examplePools());
const head = snapshot(".", examplePools({ "feed-api": { replicas: 1200 } }));

function inputs(overrides: string[] = []) {
  return {
    base,
    head,
    profile: "cloud" as const,
    prices: loadPrices(),
    priceFile: EXAMPLE_PRICES_FILE,
    policies: loadPolicyConfig(),
    overrides: parseOverrides(overrides),
    runtime: skippedRuntime("Consul at http://127.0.0.1:8500 is unreachable"),
  };
}

function review(overrides: string[] = []) {
  return buildPlanReview(inputs(overrides));
}

describe("Markdown comment", () => {
  const md = renderMarkdown(planReport(review()));
  const summary = md.split("<details>")[0];

  test("summary first: one line per changed pool, fleet, terraform, runtime, cost and policy", () => {
    expect(md.startsWith("### dcp plan (cloud): blocked by policy — origin/main → .\n")).toBe(true);
    expect(summary).toMatch(/^- pool feed-api \(feed-team\) changed: replicas 120 → 1200 \(\+1080\); cost \+[\d.]+ CNY\/month$/m);
    expect(summary).toMatch(/^- pool feed-cache \(feed-team\) changed: replicas 24 → 240 \(\+216\) \[\+216 from dependency ratios\]; cost/m);
    expect(summary).toMatch(/^- fleet bj-standard \(aliyun-bj\) changed: hosts 54 → \d+ \(\+\d+\); cost/m);
    expect(summary).toMatch(/^- terraform: 0 to add, 1 to change, 0 to replace, 0 to destroy \(synth comparison\)$/m);
    expect(summary).toMatch(/^- runtime: skipped — Consul at http:\/\/127.0.0.1:8500 is unreachable$/m);
    expect(summary).toMatch(/^- cost: \+[\d.]+ CNY\/month \(\+[\d.]+\/hour\), total [\d.]+ CNY\/month — EXAMPLE prices$/m);
    expect(summary).toMatch(/^- policy max-step: FAILED \(blocks\) — fleet bj-standard: 54 → /m);
    expect(summary).toMatch(/^- policy no-public-admin-ports: passed$/m);
    expect(summary).not.toMatch(/hongbao-api/);
  });

  test("details are folded, tables are well-formed, example prices are stated", () => {
    expect(md).toContain("<details><summary>Pools (4)</summary>");
    expect(md).toContain("<details><summary>Terraform resources (synth comparison) (1)</summary>");
    expect(md).toContain("| update | alicloud_ess_scaling_group.bj-standard | dcp | desired_capacity: 54 → ");
    expect((md.match(/<details>/g) ?? []).length).toBe((md.match(/<\/details>/g) ?? []).length);
    expect(md).toMatch(/> - costs use EXAMPLE prices from .*prices.example.yaml; they are not real Alibaba Cloud prices/);
  });

  test("an override is recorded with its reason", () => {
    const r = review(["max-step=Spring Festival peak; approved in OPS-1234", "owner-quota=temporary quota raise OPS-1235"]);
    expect(r.exitCode).toBe(2);
    const md2 = renderMarkdown(planReport(r));
    expect(md2).toMatch(/^- policy max-step: OVERRIDDEN — .* — reason: Spring Festival peak; approved in OPS-1234$/m);
    expect(md2).toContain("> - override of max-step recorded: Spring Festival peak; approved in OPS-1234");
    expect(r.policies.find((p) => p.policy === "max-step")).toMatchObject({ status: "overridden", override: { reason: "Spring Festival peak; approved in OPS-1234" } });
  });

  test("a cell with a pipe or HTML cannot break the table", () => {
    const r = review();
    r.pools[0].changedFields = ["a|b<script>"];
    const out = renderMarkdown(planReport(r));
    expect(out).toContain("a\\|b&lt;script&gt;");
    expect(out).not.toContain("<script>");
  });
});

describe("burst time", () => {
  // 120 → 1200 feed-api: hundreds of new bj-standard hosts, one RunInstances call per 100.
  const r = review();
  const line = /^burst time: about \d+ min: hosts \d:\d\d, bootstrap 0:30, pull 0:04, containers \d:\d\d, serve 0:06$/;

  test("the JSON holds the estimate by phase with its assumptions", () => {
    const json = JSON.parse(renderOutput({ json: true }, { json: r, report: () => planReport(r) }));
    expect(json.burst.phases.map((p: { phase: string }) => p.phase)).toEqual(["hosts", "bootstrap", "pull", "containers", "serve"]);
    expect(json.burst.phases[0].seconds).toBe(Math.ceil(json.burst.change.newHostsByGroup["bj-standard"] / 100) * 18);
    expect(`burst time: ${json.burst.summary}`).toMatch(line);
    expect(json.burst.rates.secondsPerCall).toBe(18);
  });

  test("the Markdown comment and the table show it in the summary, with its assumptions in the notes", () => {
    const md = renderMarkdown(planReport(r));
    expect(md.split("<details>")[0]).toContain(`- burst time: ${r.burst.summary}\n`);
    expect(md).toMatch(/^> - burst time assumes 18 s per RunInstances call of up to 100, 1000 instances per ESS activity .*; set them under burst: in the policy file$/m);
    const table = renderTable(planReport(r));
    expect(table).toContain(`\n  burst time: ${r.burst.summary}\n`);
    expect(`burst time: ${r.burst.summary}`).toMatch(line);
  });

  test("without new hosts or containers the summary says so and no assumptions are noted", () => {
    const none = buildPlanReview({ ...inputs(), head: base });
    const table = renderTable(planReport(none));
    expect(table).toContain("  burst time: none (no new cloud hosts or containers)\n");
    expect(table).not.toContain("burst time assumes");
  });
});

describe("Markdown size", () => {
  test("a huge plan stays under GitHub's comment limit and points to the JSON for the rest", () => {
    const r = review();
    r.resources.items = Array.from({ length: 5000 }, (_, i) => ({ address: `alicloud_vswitch.v${i}`, stack: "dcp", action: "create" as const, attributes: [] }));
    r.resources.counts = { create: 5000, update: 0, delete: 0, replace: 0 };
    const md = renderMarkdown(planReport(r));
    expect(md.length).toBeLessThan(65_536);
    expect(md).toMatch(/…\d+ more rows; see the JSON output \(`--json`\) for all of them\./);
    // The summary and the closing of every fold survive the cut.
    expect(md).toMatch(/^- terraform: 5000 to add/m);
    expect((md.match(/<details>/g) ?? []).length).toBe((md.match(/<\/details>/g) ?? []).length);
  });
});

describe("terminal table", () => {
  test("lists sections with their rows and the runtime changes per pool", () => {
    const r = buildPlanReview({
      base,
      head: base,
      profile: "local",
      prices: loadPrices(),
      priceFile: EXAMPLE_PRICES_FILE,
      policies: { policies: {} },
      overrides: new Map(),
      runtime: runtimeSection(
        {
          changes: [
            { kind: "assign-host", wave: 0, chain: "host:h3", direction: "host", node: "h3", reason: "buffer", pools: ["feed-api"], previousPools: [] },
            { kind: "start", wave: 1, chain: "up:feed-api-00001", direction: "up", node: "h3", reason: "repair", pool: "feed-api", instance: "feed-api-00001", containerName: "dcp-feed-api-00001-abcd1234", specHash: "abcd1234" },
          ],
          summary: [],
          unplaced: [{ pool: "feed-api", instance: "feed-api-00002", reason: "no host fits", rejectedBy: { resources: 6 } }],
          notes: ["CPU limits scaled to 2 cores"],
        },
        "against 6 hosts read at 2026-01-01T00:00:00Z",
      ),
    });
    expect(r.changed).toBe(true);
    expect(r.exitCode).toBe(2);
    const out = renderTable(planReport(r));
    expect(out).toContain("runtime: 2 changes, 1 containers cannot be placed (against 6 hosts read at 2026-01-01T00:00:00Z)");
    expect(out).toMatch(/│ \(hosts\)\s+│ assign-host 1\s+│/);
    expect(out).toMatch(/│ feed-api\s+│ start 1\s+│/);
    expect(out).toContain("cannot place feed-api-00002: no host fits");
    expect(out).toContain("runtime: CPU limits scaled to 2 cores");
    expect(out).toContain("Policies:\n  no policies configured");
  });
});
