/**
 * Helpers of the apply fleet tests: desired states with pools named per suite, `bin/dcp`
 * run as a real child process against the test fleet, and the live state read straight
 * from the daemons and Consul to check what apply did. Suites share the fleet's KV root
 * (host init status lives there) and are kept apart by pool and upstream names.
 */
import { ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalSite, readSite, runtimeEnv } from "../../../local-site";
import { DesiredState, PoolSpec } from "../../../model/desired-state";
import { ConsulClient, consulConfigFromEnv } from "../../../runtime/consul/client";
import { DiscoveryPublisher } from "../../../runtime/discovery/publisher";
import { DockerHosts } from "../../../runtime/docker/hosts";
import { readInventory } from "../../../runtime/inventory/read";
import { Inventory, UpstreamEntry } from "../../../model/inventory";

const DCP = join(__dirname, "..", "..", "..", "bin", "dcp");

export function testFleet(): LocalSite {
  return readSite(process.env.DCP_TEST_FLEET ?? "dcptest");
}

/** A pool on the test fleet: dynamic port, health check, upstream named after the pool. */
export function testPool(fleet: LocalSite, name: string, replicas: number, overrides: Partial<PoolSpec> = {}): PoolSpec {
  return {
    name,
    image: fleet.image,
    containerType: "dP02",
    replicas,
    effectiveReplicas: replicas,
    idcs: ["yf-private", "aliyun-bj"],
    ports: [{ name: "http", port: 0 }],
    healthCheck: { path: "/health", port: 0, intervalSeconds: 1, timeoutSeconds: 1 },
    // No consumer follows a test pool but the test itself, which re-reads KV within 2 s.
    upstream: { name: name.replace(/-/g, "_"), weight: 20, maxFails: 2, failTimeoutSeconds: 10, consumers: { followWithinSeconds: 2, status: [] } },
    placement: { strategy: "spread", constraints: [] },
    dependencies: [],
    owner: "platform-team",
    env: {},
    source: `test/fleet/${name}`,
    ...overrides,
  };
}

export function testDesired(pools: PoolSpec[]): DesiredState {
  return {
    version: 1,
    idcs: [
      { name: "yf-private", kind: "private", zones: ["yf-a"], consulAddress: "", cloudWeightFactor: 1 },
      { name: "aliyun-bj", kind: "cloud", region: "cn-beijing", zones: ["cn-beijing-h", "cn-beijing-i", "cn-beijing-j"], consulAddress: "", cloudWeightFactor: 0.8 },
    ],
    fleets: [],
    pools,
  };
}

export class Suite {
  readonly dir = mkdtempSync(join(tmpdir(), "dcp-apply-test-"));
  readonly consul: ConsulClient;
  readonly dockers: DockerHosts;
  private files = 0;

  constructor(readonly fleet: LocalSite, readonly name: string) {
    this.consul = new ConsulClient(consulConfigFromEnv({ address: fleet.consulHttp }));
    this.dockers = new DockerHosts({ tlsDir: fleet.tlsDir });
  }

  env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return { ...process.env, ...runtimeEnv(this.fleet), ...extra };
  }

  writeDesired(pools: PoolSpec[]): string {
    const file = join(this.dir, `desired-${this.files++}.json`);
    writeFileSync(file, JSON.stringify(testDesired(pools), null, 2));
    return file;
  }

  /** Starts `bin/dcp <args>` in its own process group (so a SIGKILL reaches tsx's child too). */
  spawn(args: string[], extraEnv: Record<string, string> = {}): DcpProcess {
    const child = spawn(DCP, args, { env: this.env(extraEnv), detached: true, stdio: ["ignore", "pipe", "pipe"] });
    return new DcpProcess(child);
  }

  async dcp(args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
    const p = this.spawn(args, extraEnv);
    return p.done;
  }

  async apply(pools: PoolSpec[], extra: string[] = []): Promise<{ code: number; stdout: string; stderr: string }> {
    return this.dcp(["apply", "--desired", this.writeDesired(pools), "--profile", "local", "--wait-lock", "60", "--progress", "lines", ...extra]);
  }

  async plan(pools: PoolSpec[], extra: string[] = []): Promise<{ code: number; stdout: string; stderr: string }> {
    return this.dcp(["plan", "--desired", this.writeDesired(pools), "--profile", "local", ...extra]);
  }

  inventory(): Promise<Inventory> {
    return readInventory(this.consul, this.dockers);
  }

  async containers(pool: string) {
    const inv = await this.inventory();
    return inv.hosts.flatMap((h) => (h.containers ?? []).filter((c) => c.pool === pool).map((c) => ({ ...c, node: h.node, address: h.address })));
  }

  async upstreams(upstream: string): Promise<UpstreamEntry[]> {
    return (await new DiscoveryPublisher(this.consul).readUpstreams()).filter((u) => u.upstream === upstream);
  }

  /** Scales the suite's pools to zero, then removes what an empty upstream keeps (its down placeholder). */
  async cleanup(pools: PoolSpec[]): Promise<void> {
    const result = await this.apply(pools.map((p) => ({ ...p, replicas: 0, effectiveReplicas: 0 })));
    if (result.code !== 0 && result.code !== 2) throw new Error(`cleanup apply failed (${result.code}): ${result.stderr}`);
    await this.consul.txn(pools.filter((p) => p.upstream).map((p) => ({ verb: "delete-tree" as const, key: `${this.consul.config.upstreamPrefix}/${p.upstream!.name}/` })));
  }
}

export class DcpProcess {
  stdout = "";
  stderr = "";
  readonly done: Promise<{ code: number; stdout: string; stderr: string }>;
  private listeners: Array<() => void> = [];

  constructor(readonly child: ChildProcess) {
    child.stdout!.on("data", (d) => {
      this.stdout += String(d);
      this.listeners.forEach((l) => l());
    });
    child.stderr!.on("data", (d) => {
      this.stderr += String(d);
      this.listeners.forEach((l) => l());
    });
    this.done = new Promise((resolve) =>
      child.once("close", (code, signal) => resolve({ code: code ?? (signal ? 128 : -1), stdout: this.stdout, stderr: this.stderr })),
    );
  }

  /** Changes finished so far, from the `done N/M …` progress lines. */
  finished(): number {
    const all = [...this.stderr.matchAll(/^done (\d+)\/\d+ /gm)];
    return all.length > 0 ? Number(all[all.length - 1][1]) : 0;
  }

  /** Resolves once `predicate` holds on the output, or rejects when the process ends first. */
  waitFor(predicate: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; stderr:\n${this.stderr.slice(-2000)}`)), timeoutMs);
      const check = () => {
        if (predicate()) {
          clearTimeout(timer);
          resolve();
        }
      };
      this.listeners.push(check);
      this.done.then(() => {
        clearTimeout(timer);
        if (predicate()) resolve();
        else reject(new Error(`dcp ended before ${what}; stderr:\n${this.stderr.slice(-2000)}`));
      });
      check();
    });
  }

  /** SIGKILL to the whole process group: tsx and the node process running the CLI. */
  kill(): void {
    try {
      process.kill(-this.child.pid!, "SIGKILL");
    } catch {
      // already gone
    }
  }
}
