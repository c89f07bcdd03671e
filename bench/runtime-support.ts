/**
 * What the apply and drill benchmarks share: the fleet they run on (the test fleet by
 * default: its 128-cpu host class fits hundreds of containers), pools built for it, and
 * cleanup through the runtime itself.
 */
import { entryPoolShape, LocalSite, readSite, runtimeEnv, TEST_SITE } from "../local-site";
import { KV } from "../model/host-metadata";
import { DesiredState, PoolSpec } from "../model/desired-state";
import { ConsulClient, consulConfigFromEnv } from "../runtime/consul/client";
import { applyDesired } from "../runtime";
import { DockerHosts } from "../runtime/docker/hosts";
import { assignmentValue, parseAssignment, readInventory } from "../runtime/inventory/read";

/** The fleet of the apply and drill benchmarks: DCP_BENCH_FLEET (a fleet name), else the test fleet. */
export const BENCH_FLEET = process.env.DCP_BENCH_FLEET ?? TEST_SITE;

export function benchFleet(): { fleet: LocalSite; consul: ConsulClient } {
  const fleet = readSite(BENCH_FLEET);
  Object.assign(process.env, runtimeEnv(fleet));
  return { fleet, consul: new ConsulClient(consulConfigFromEnv({ address: fleet.consulHttp })) };
}

/** Dynamic port so many fit on a host; a slow check interval so the agents' checks do not eat the two cores. */
export function benchPool(fleet: Pick<LocalSite, "image">, name: string, replicas: number, overrides: Partial<PoolSpec> = {}): PoolSpec {
  return {
    name,
    image: fleet.image,
    containerType: "dP01",
    replicas,
    effectiveReplicas: replicas,
    idcs: ["yf-private", "aliyun-bj"],
    ports: [{ name: "http", port: 0 }],
    healthCheck: { path: "/health", port: 0, intervalSeconds: 10, timeoutSeconds: 2 },
    upstream: { name: name.replace(/-/g, "_"), weight: 20, maxFails: 2, failTimeoutSeconds: 10 },
    placement: { strategy: "spread", constraints: [] },
    dependencies: [],
    owner: "feed-team",
    env: {},
    source: `bench/${name}`,
    ...overrides,
  };
}

/**
 * A pool of the site's entry image (HAProxy following dcp's upstreams) in front of
 * `upstream`, one per host; dcp polls each container's upstream_show before it stops a
 * server of that upstream.
 */
export function benchEntryPool(fleet: Pick<LocalSite, "image" | "entryImage">, name: string, upstream: string, overrides: Partial<PoolSpec> = {}): PoolSpec {
  return benchPool(fleet, name, 2, { ...entryPoolShape(fleet.entryImage, [upstream], { follow: true }), ...overrides });
}

export function benchDesired(pools: PoolSpec[]): DesiredState {
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

/**
 * Assigns every host to the pools, as a buffer of that size would be after its first
 * scale-out: spread then uses all hosts instead of filling assigned ones first.
 */
export async function assignAllHosts(consul: ConsulClient, fleet: LocalSite, pools: string[]): Promise<void> {
  const root = consul.config.kvRoot;
  for (const h of fleet.hosts) {
    const current = parseAssignment((await consul.kvGet(KV.assignment(root, h.node))) ?? "");
    await consul.kvPut(KV.assignment(root, h.node), assignmentValue([...new Set([...current, ...pools])]));
  }
}

/** Scales the pools to zero through the runtime, then removes their emptied upstreams' placeholders. */
export async function removePools(consul: ConsulClient, pools: PoolSpec[]): Promise<void> {
  await applyDesired(benchDesired(pools.map((p) => ({ ...p, replicas: 0, effectiveReplicas: 0 }))), { profile: "local", progress: "quiet", waitLockSeconds: 120, parallel: 16 });
  await consul.txn(pools.filter((p) => p.upstream).map((p) => ({ verb: "delete-tree" as const, key: `${consul.config.upstreamPrefix}/${p.upstream!.name}/` })));
}

/**
 * Waits until every host of the fleet is healthy in the inventory (serf passing, daemon
 * answering) with no dcp containers left: right after hundreds of removals a daemon can
 * miss the inventory's timeout, and a run would then measure a smaller fleet.
 */
export async function waitSettled(consul: ConsulClient, fleet: LocalSite, timeoutMs = 60_000): Promise<void> {
  const dockers = new DockerHosts({ tlsDir: fleet.tlsDir });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const inventory = await readInventory(consul, dockers);
    const unsettled = fleet.hosts
      .map((h) => {
        const host = inventory.hosts.find((x) => x.node === h.node);
        if (!host?.healthy) return `${h.node} not healthy`;
        return host.containers!.length > 0 ? `${h.node} still has ${host.containers!.length} containers` : "";
      })
      .filter(Boolean);
    if (unsettled.length === 0) return;
    if (Date.now() > deadline) throw new Error(`fleet ${fleet.name} did not settle within ${timeoutMs / 1000} s: ${unsettled.join(", ")}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
