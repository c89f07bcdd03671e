/** Phase 3 of the planner: the change chains of containers that come, stay and go, stale entries, host assignments. */
import { InventoryContainer } from "../../../model/inventory";
import { planContext } from "../../../runtime/plan/context";
import { downChain, liveEntries, staleServices, staleUpstreams } from "../../../runtime/plan/down-chains";
import { assignHosts, releaseHosts } from "../../../runtime/plan/host-chains";
import { diffInstances } from "../../../runtime/plan/instances";
import { placeContainers } from "../../../runtime/plan/placement";
import { containerName, specHash } from "../../../runtime/plan/spec";
import { Change } from "../../../runtime/plan/types";
import { upChain, upChains } from "../../../runtime/plan/up-chains";
import { upstreamValue } from "../../../model/upstreams";
import { container, desired, host, inventory, pool } from "./fixtures";

const kinds = (changes: Change[]) => changes.map((c) => c.kind);
const web = pool("web", { replicas: 1 });
const HASH = specHash(web);

const live = (overrides: Partial<InventoryContainer> = {}) => container(web, 0, { id: "c1", ...overrides });

/** A live entry as KV holds it, in dcp's exact format. */
function entry(server: string, overrides: { upstream?: string; weight?: number; down?: boolean } = {}) {
  const params = { weight: overrides.weight ?? 20, maxFails: 2, failTimeoutSeconds: 10, down: overrides.down ?? false };
  return { upstream: overrides.upstream ?? "web", server, ...params, raw: upstreamValue(params) };
}

function plan(containers: InventoryContainer[], upstreams = [entry("192.168.79.11:20000")], services = true, followChecks = false) {
  const inv = inventory([host(1, { assignedPools: ["web"], containers })], upstreams);
  if (services) inv.services = containers.map((c) => ({ node: "h1", serviceId: c.name, name: "web", address: "192.168.79.11", port: c.ports[0], meta: { dcp_pool: "web", dcp_instance: c.instance } }));
  const ctx = planContext(desired([web]), inv, { followChecks });
  const diff = diffInstances(ctx);
  return { ctx, diff, placement: placeContainers(ctx, diff) };
}

const ups = (p: ReturnType<typeof plan>) => upChains(p.ctx, p.diff, p.placement).changes;

describe("up chains", () => {
  test("a new container: create → start → wait-healthy (on its first port) → register → publish", () => {
    const { ctx, diff, placement } = plan([], []);
    const { changes, wantedServers } = upChains(ctx, diff, placement);
    expect(kinds(changes)).toEqual(["create", "start", "wait-healthy", "register", "publish-upstream"]);
    expect(new Set(changes.map((c) => c.chain))).toEqual(new Set([`up:${containerName("web-00000", HASH)}`]));
    expect(changes[2]).toMatchObject({ healthCheck: { path: "/health", port: 20000, address: "192.168.79.11" } });
    expect(changes[3]).toMatchObject({ port: 20000, healthVerified: true });
    expect(changes[4]).toMatchObject({ upstream: "web", server: "192.168.79.11:20000", weight: 20 });
    expect([...wantedServers]).toEqual(["web/192.168.79.11:20000"]);
  });

  test("following checks (the controller), a running container whose check fails has its entry published down, and up again once it passes", () => {
    const failing = ups(plan([live({ health: "critical" })], undefined, true, true));
    expect(failing).toMatchObject([{ kind: "publish-upstream", server: "192.168.79.11:20000", down: true, reason: "repair" }]);
    // Already down in KV: nothing more to do while it fails.
    expect(ups(plan([live({ health: "critical" })], [entry("192.168.79.11:20000", { down: true })], true, true))).toEqual([]);
    const passing = ups(plan([live({ health: "passing" })], [entry("192.168.79.11:20000", { down: true })], true, true));
    expect(passing).toMatchObject([{ kind: "publish-upstream", server: "192.168.79.11:20000" }]);
    expect((passing[0] as { down?: boolean }).down).toBeUndefined();
  });

  test("a one-shot apply leaves a failing check's entry as it is: nobody would publish it up again", () => {
    expect(ups(plan([live({ health: "critical" })]))).toEqual([]);
  });

  test("a healthy, registered, published container needs no change, and its entry is still wanted", () => {
    const { ctx, diff, placement } = plan([live()]);
    const { changes, wantedServers } = upChains(ctx, diff, placement);
    expect(changes).toEqual([]);
    expect([...wantedServers]).toEqual(["web/192.168.79.11:20000"]);
  });

  test("a stopped container is started, waited for and registered again; a running unregistered one is checked first; an entry with another weight or marked down is published", () => {
    // Its entry goes down while it starts again, and up once it passes.
    const restart = ups(plan([live({ running: false, health: "unknown" })]));
    expect(kinds(restart)).toEqual(["publish-upstream", "start", "wait-healthy", "register", "publish-upstream"]);
    expect(restart.map((c) => (c.kind === "publish-upstream" ? c.down ?? false : undefined)).filter((d) => d !== undefined)).toEqual([true, false]);
    expect(kinds(ups(plan([live({ health: "unknown" })])))).toEqual(["wait-healthy", "register"]);
    expect(ups(plan([live()], [entry("192.168.79.11:20000", { weight: 99 })]))).toMatchObject([{ kind: "publish-upstream", weight: 20, reason: "repair" }]);
    expect(kinds(ups(plan([live()], [entry("192.168.79.11:20000", { down: true })])))).toEqual(["publish-upstream"]);
  });

  test("a container without ports is neither registered nor published; without a health check it waits for running", () => {
    const bare = pool("bare", { ports: [], healthCheck: undefined });
    const changes = upChain({ pool: bare, hash: "h", instance: "bare-00000", host: host(1), wave: 1, reason: "scale-out", ports: [], steps: { create: true, start: true, register: true } });
    expect(kinds(changes)).toEqual(["create", "start", "wait-healthy"]);
    expect(changes[2]).toMatchObject({ healthCheck: undefined });
  });
});

describe("down chains", () => {
  const removal = (c: InventoryContainer) => ({ located: { host: host(1), container: c }, wave: 2, reason: "scale-in" as const });

  test("unpublish every entry of its server → drain → await-consumers → stop → remove, and the entries count as handled", () => {
    const { ctx } = plan([live()], [entry("192.168.79.11:20000"), entry("192.168.79.11:20000", { upstream: "other" })]);
    const handled = new Set<string>();
    const changes = downChain(ctx, removal(live()), liveEntries(ctx.inventory, [...ctx.pools.values()]), handled);
    expect(kinds(changes)).toEqual(["unpublish-upstream", "unpublish-upstream", "drain", "await-consumers", "stop", "remove"]);
    expect(changes.every((c) => c.wave === 2 && c.chain === `down:${live().name}@h1`)).toBe(true);
    expect(changes[2]).toMatchObject({ serviceId: live().name });
    expect(changes[3]).toMatchObject({ seconds: 10, server: "192.168.79.11:20000", upstreams: [{ upstream: "web", status: [] }, { upstream: "other", status: [] }] });
    expect([...handled]).toEqual(["web/192.168.79.11:20000", "other/192.168.79.11:20000"]);
  });

  test("a stopped, unregistered container is only removed", () => {
    const { ctx } = plan([], []);
    expect(kinds(downChain(ctx, removal(live({ running: false, health: "unknown" })), liveEntries(ctx.inventory, []), new Set()))).toEqual(["remove"]);
  });

  test("stale entries: a planned upstream's server nothing stands behind goes, the kept down entry of an emptied upstream stays", () => {
    const { ctx } = plan([], [entry("192.168.79.11:29999"), entry("10.9.9.9:80", { upstream: "unplanned" })]);
    expect(staleUpstreams(ctx, new Set(), new Set(), 3)).toEqual([
      { kind: "unpublish-upstream", wave: 3, chain: "down:upstream:web/192.168.79.11:29999", direction: "down", node: "h1", reason: "stale", upstream: "web", server: "192.168.79.11:29999" },
    ]);
    const emptied = plan([], [entry("192.168.79.11:29999", { down: true })]).ctx;
    expect(staleUpstreams(emptied, new Set(), new Set(), 3)).toEqual([]);
    expect(staleUpstreams(emptied, new Set(["web/192.168.79.11:20000"]), new Set(), 3)).toHaveLength(1);
  });

  test("stale services: a registration with no live container is drained at once", () => {
    const { ctx } = plan([]);
    ctx.inventory.services = [{ node: "h1", serviceId: "gone", name: "web", address: "192.168.79.11", port: 1, meta: { dcp_pool: "web", dcp_instance: "web-00003" } }];
    expect(staleServices(ctx, [], 4)).toMatchObject([{ kind: "drain", wave: 4, serviceId: "gone", instance: "web-00003", reason: "stale" }]);
  });
});

describe("host assignments", () => {
  test("a buffer host is assigned in wave 0 before a container lands on it", () => {
    const inv = inventory([host(1)]);
    const ctx = planContext(desired([web]), inv, {});
    const diff = diffInstances(ctx);
    expect(assignHosts(ctx, diff, placeContainers(ctx, diff))).toEqual([
      { kind: "assign-host", wave: 0, chain: "host:h1", direction: "host", node: "h1", reason: "buffer", pools: ["web"], previousPools: [] },
    ]);
  });

  test("a host whose last container of a pool goes is taken off that pool; an empty one returns to the buffer", () => {
    const other = { ...live(), id: "o", pool: "other", name: "dcp-other-00000-x", instance: "other-00000" };
    const inv = inventory([host(1, { assignedPools: ["other", "web"], containers: [live(), other] }), host(2, { assignedPools: ["web"], containers: [live({ id: "c2", instance: "web-00001", name: "n2" })] })]);
    const ctx = planContext(desired([pool("web", { replicas: 0 }), pool("other", { replicas: 1 })]), inv, { pools: ["web"] });
    const placement = placeContainers(ctx, diffInstances(ctx));
    expect(releaseHosts(ctx, placement, [], 5)).toEqual([
      { kind: "unassign-host", wave: 5, chain: "host:h1", direction: "host", node: "h1", reason: "buffer", previousPools: ["other", "web"], pools: ["other"] },
      { kind: "unassign-host", wave: 5, chain: "host:h2", direction: "host", node: "h2", reason: "buffer", previousPools: ["web"], pools: [] },
    ]);
  });
});
