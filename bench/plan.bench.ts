/**
 * `dcp plan --base` on a large change: 50 pools sized to about 3,000 cloud hosts (head)
 * against a base with every pool 10% smaller, both generated here as directories of pool
 * files. Timed as the CLI does it: base and head synthesized in their own child
 * processes, compared, costed, policies run, all three outputs rendered. Terraform and
 * the live runtime plan are left out (they measure Terraform and the fleet, not dcp).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { EXAMPLE_PRICES_FILE, loadPrices } from "../cost/prices";
import { CONTAINER_TYPES, CONTAINER_TYPE_NAMES } from "../model/container-types";
import { loadPolicyConfig } from "../policies";
import { planReport } from "../review/plan-report";
import { reviewPlan, skippedRuntime } from "../review/plan-review";
import { renderMarkdown, renderTable } from "../output";
import { Benchmark, Figure, peakRssMB } from "./harness";

/** Cores the pools ask for, so that the cloud fleet lands near 3,000 hosts of 16 cores. */
const CPU_TARGET = 2900 * 16;

function writePools(dir: string, scale: number): void {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < 50; i++) {
    const type = CONTAINER_TYPE_NAMES[i % CONTAINER_TYPE_NAMES.length];
    const share = (CPU_TARGET / 50) * (0.5 + ((i * 37) % 50) / 49);
    const name = `svc-${String(i).padStart(2, "0")}`;
    const pool = {
      name,
      image: `registry.local/team-${i % 7}/${name}:2.${i}.0`,
      containerType: type,
      replicas: Math.max(1, Math.floor((scale * share) / CONTAINER_TYPES[type].cpu)),
      idcs: ["aliyun-bj"],
      ports: [{ name: "http", port: 8000 + i }],
      placement: { strategy: i % 2 ? "spread" : "binpack" },
      ...(i < 10 ? { dependencies: [{ pool: `svc-${String(i + 40).padStart(2, "0")}`, ratio: 0.05 }] } : {}),
      owner: `team-${i % 7}`,
    };
    writeFileSync(join(dir, `${name}.yaml`), stringify(pool));
  }
}

const bench: Benchmark = {
  name: "plan",
  needsFleet: false,
  async run(): Promise<Figure[]> {
    const work = mkdtempSync(join(tmpdir(), "dcp-plan-bench-"));
    try {
      writePools(join(work, "base"), 0.9);
      writePools(join(work, "head"), 1);
      const started = process.hrtime.bigint();
      const review = await reviewPlan({
        baseSource: join(work, "base"),
        headSource: join(work, "head"),
        repoRoot: join(__dirname, ".."),
        profile: "cloud",
        prices: loadPrices(),
        priceFile: EXAMPLE_PRICES_FILE,
        policies: loadPolicyConfig(),
        overrides: new Map(),
        terraform: false,
        runtime: async () => skippedRuntime("not part of the benchmark"),
      });
      const json = JSON.stringify(review);
      const report = planReport(review);
      const md = renderMarkdown(report);
      renderTable(report);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const bj = review.fleets.find((f) => f.fleet === "bj-standard")!;
      return [
        { name: "plan.base-vs-head.seconds", value: seconds, unit: "s", target: { op: "<=", value: 10 }, note: "two child-process synths, compare, cost, policies, 3 outputs" },
        { name: "plan.head.hosts", value: bj.desiredHosts.head, unit: "hosts", note: `base ${bj.desiredHosts.base}` },
        { name: "plan.cost.delta.monthly", value: review.cost.total.delta.monthly, unit: review.cost.currency, note: "example prices" },
        { name: "plan.json.kB", value: Math.round(json.length / 1024), unit: "kB" },
        { name: "plan.markdown.kB", value: Math.round(md.length / 1024), unit: "kB" },
        { name: "plan.peak-rss.MB", value: Math.round(peakRssMB()), unit: "MB", note: "parent process only" },
      ];
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  },
};

export default bench;
