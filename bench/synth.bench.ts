/**
 * Synth of a large definition: 50 pools over a private IDC and a cloud region, sized to
 * about 3,000 hosts (generated here, deterministic). Figures: wall seconds of one full
 * synth in this process (constructs, dependency ratios, sizing, cdktf synth to JSON,
 * desired state), peak memory of the process, and wall seconds of `dcp synth` end to end
 * on the same pools written as pool files (process start, TypeScript load, YAML
 * validation, writing cdktf.out).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { Benchmark, Figure, median, peakRssMB } from "./harness";
import { HostBuffer, ServicePool } from "../constructs";
import { synthesizeStacks } from "../constructs/synthesize";
import { CONTAINER_TYPES, CONTAINER_TYPE_NAMES } from "../model/container-types";
import { PoolDefinition } from "../model/desired-state";
import { topology } from "../test/support/stack-fixture";

/** CPU the cloud pools need so that the cloud fleet lands near 3,000 hosts of 16 cores. */
const CLOUD_CPU_TARGET = 2700 * 16;

function pools(): PoolDefinition[] {
  const out: PoolDefinition[] = [];
  for (let i = 0; i < 50; i++) {
    const type = CONTAINER_TYPE_NAMES[i % CONTAINER_TYPE_NAMES.length];
    // Uneven pools (0.5× to 1.5× the average share), as real platforms have.
    const share = (CLOUD_CPU_TARGET / 50) * (0.5 + ((i * 37) % 50) / 49);
    out.push({
      name: `svc-${String(i).padStart(2, "0")}`,
      image: `registry.local/team-${i % 7}/svc-${i}:2.${i}.0`,
      containerType: type,
      replicas: Math.max(1, Math.round(share / CONTAINER_TYPES[type].cpu)),
      idcs: i % 3 === 0 ? ["yf-private", "aliyun-bj"] : ["aliyun-bj"],
      ports: [{ name: "http", port: i % 5 === 0 ? 0 : 8000 + i }],
      ...(i % 5 === 0 ? {} : { upstream: { name: `svc_${i}` } }),
      placement: { strategy: i % 2 ? "spread" : "binpack", ...(i % 9 === 0 ? { antiAffinity: "host" as const } : {}) },
      // A few dependency templates, acyclic: early pools bring containers of later ones.
      ...(i < 10 ? { dependencies: [{ pool: `svc-${String(i + 40).padStart(2, "0")}`, ratio: 0.05 }] } : {}),
      owner: `team-${i % 7}`,
    });
  }
  return out;
}

function synthOnce() {
  return synthesizeStacks((app) => {
    const t = topology(app);
    new HostBuffer(t.stack, "bj-buffer-large", { fleet: t.bjFleet, hosts: 50 });
    for (const p of pools()) new ServicePool(t.stack, p.name, p);
    return [t.stack];
  });
}

const ROOT = join(__dirname, "..");

/** A project dir with the pools as pool files and a stack like synthOnce's; returns its path. */
function writeProject(dir: string): string {
  mkdirSync(join(dir, "stacks", "pools"), { recursive: true });
  mkdirSync(join(dir, "hosts"));
  writeFileSync(join(dir, "hosts", "bootstrap.sh"), "#!/bin/sh\n");
  for (const p of pools()) writeFileSync(join(dir, "stacks", "pools", `${p.name}.yaml`), stringify(p));
  writeFileSync(
    join(dir, "stacks", "index.ts"),
    [
      `import { App } from "cdktf";`,
      `import { join } from "node:path";`,
      `import { DcpStack, DcpStackProps, HostBuffer, ServicePool } from ${JSON.stringify(join(ROOT, "constructs"))};`,
      `import { loadPoolFiles } from ${JSON.stringify(join(ROOT, "constructs", "pool-files", "load"))};`,
      `import { topology } from ${JSON.stringify(join(ROOT, "test", "support", "stack-fixture"))};`,
      `export function buildStacks(app: App, props: DcpStackProps): DcpStack[] {`,
      `  const t = topology(app, props);`,
      `  new HostBuffer(t.stack, "bj-buffer-large", { fleet: t.bjFleet, hosts: 50 });`,
      `  for (const p of loadPoolFiles(join(__dirname, "pools"))) new ServicePool(t.stack, p.name, p);`,
      `  return [t.stack];`,
      `}`,
      ``,
    ].join("\n"),
  );
  return dir;
}

const bench: Benchmark = {
  name: "synth",
  needsFleet: false,
  async run(): Promise<Figure[]> {
    const started = process.hrtime.bigint();
    const result = synthOnce();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const warm: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = process.hrtime.bigint();
      synthOnce();
      warm.push(Number(process.hrtime.bigint() - t) / 1e9);
    }

    const dir = mkdtempSync(join(tmpdir(), "dcp-synth-bench-"));
    let cliSeconds: number;
    try {
      const project = writeProject(join(dir, "project"));
      const t = process.hrtime.bigint();
      execFileSync(join(ROOT, "bin", "dcp"), ["synth", "--out", join(dir, "out")], { cwd: project, stdio: "ignore" });
      cliSeconds = Number(process.hrtime.bigint() - t) / 1e9;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const hosts = result.desired.fleets.reduce((n, f) => n + f.hostsForPools, 0);
    const containers = result.desired.pools.reduce((n, p) => n + p.effectiveReplicas, 0);
    const resources = Object.values<Record<string, unknown>>(result.stacks[0].terraform.resource).reduce((n, r) => n + Object.keys(r).length, 0);
    return [
      { name: "synth.seconds", value: seconds, unit: "s", target: { op: "<=", value: 5 }, note: "first synth in the process (cold)" },
      { name: "synth.seconds.warm.median", value: median(warm), unit: "s", note: "median of 3 further synths" },
      { name: "synth.peak_rss", value: peakRssMB(), unit: "MB", target: { op: "<=", value: 600 } },
      { name: "synth.cli.seconds", value: cliSeconds, unit: "s", target: { op: "<=", value: 5 }, note: "`dcp synth` of the 50 pool files, end to end" },
      { name: "synth.hosts", value: hosts, unit: "hosts", note: `${containers} containers in 50 pools; ${resources} Terraform resources` },
    ];
  },
};

export default bench;
