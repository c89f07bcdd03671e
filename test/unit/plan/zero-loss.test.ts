/** The planner's side of zero-loss changes: take-downs that wait for the consumers, and rolls within a disruption budget. */
import { planChanges } from "../../../runtime/plan/planner";
import { AwaitConsumersChange, Change, StopChange } from "../../../runtime/plan/types";
import { PoolSpec } from "../../../model/desired-state";
import { desired, host, inventory, pool, simulate } from "./fixtures";

const kinds = (changes: Change[]) => changes.map((c) => c.kind);

function converge(d: ReturnType<typeof desired>, inv: ReturnType<typeof inventory>) {
  let current = inv;
  for (let i = 0; i < 4; i++) {
    const plan = planChanges(d, current, { seed: 7 });
    if (plan.changes.length === 0) return current;
    current = simulate(current, plan.changes);
  }
  throw new Error("plan did not converge");
}

const fixed = (name: string, replicas: number, overrides: Partial<PoolSpec> = {}) =>
  pool(name, { replicas, ports: [{ name: "http", port: 8080 }], healthCheck: { path: "/health", port: 8080, intervalSeconds: 1, timeoutSeconds: 1 }, placement: { strategy: "spread", antiAffinity: "host", constraints: [] }, ...overrides });

const entry = pool("entry", {
  replicas: 2,
  ports: [{ name: "http", port: 0 }, { name: "status", port: 0 }],
  upstream: undefined,
  follows: { upstreams: ["web"], status: { port: "status", path: "/upstream_show", format: "upstream_show" } },
  placement: { strategy: "spread", antiAffinity: "host", constraints: [] },
});

test("a take-down waits for every entry container's status page, bounded by followWithin, then stops with the pool's grace", () => {
  const web = pool("web", { replicas: 3, stopGracePeriodSeconds: 25, upstream: { name: "web", weight: 20, maxFails: 2, failTimeoutSeconds: 10, consumers: { followWithinSeconds: 7, status: [{ url: "http://10.9.9.9:8081/upstream_show", format: "upstream_show" }] } } });
  const live = converge(desired([web, entry]), inventory([1, 2, 3].map((n) => host(n))));
  const plan = planChanges(desired([{ ...web, replicas: 2, effectiveReplicas: 2 }, entry]), live, { seed: 7 });
  const chain = plan.changes.filter((c) => c.chain.startsWith("down:"));
  expect(kinds(chain)).toEqual(["unpublish-upstream", "drain", "await-consumers", "stop", "remove"]);
  const wait = chain.find((c): c is AwaitConsumersChange => c.kind === "await-consumers")!;
  expect(wait.seconds).toBe(7);
  const urls = wait.upstreams[0].status.map((s) => s.url).sort();
  const entries = live.hosts.flatMap((h) => (h.containers ?? []).filter((c) => c.pool === "entry").map((c) => `http://${h.address}:${c.ports[1]}/upstream_show`));
  expect(urls).toEqual(["http://10.9.9.9:8081/upstream_show", ...entries].sort());
  expect((chain.find((c) => c.kind === "stop") as StopChange).timeoutSeconds).toBe(25);
});

test("without a declaration the wait is the default (10 s, nginx-upsync-module's 5 s pull plus 5 s for a request)", () => {
  const web = pool("web", { replicas: 2 });
  const live = converge(desired([web]), inventory([host(1)]));
  const plan = planChanges(desired([{ ...web, replicas: 1, effectiveReplicas: 1 }]), live, { seed: 7 });
  const wait = plan.changes.find((c): c is AwaitConsumersChange => c.kind === "await-consumers")!;
  expect(wait).toMatchObject({ seconds: 10, upstreams: [{ upstream: "web", status: [] }] });
  expect((plan.changes.find((c) => c.kind === "stop") as StopChange).timeoutSeconds).toBe(10);
});

test("a container that never served is stopped without a wait", () => {
  const web = pool("web", { replicas: 1 });
  const created = simulate(inventory([host(1)]), planChanges(desired([web]), inventory([host(1)]), { seed: 7 }).changes.filter((c) => c.kind === "create"));
  const plan = planChanges(desired([{ ...web, replicas: 0, effectiveReplicas: 0 }]), created, { seed: 7 });
  expect(kinds(plan.changes)).toEqual(["remove"]);
});

test("a fixed-port pool on every host rolls in place, one per wave, each a take-down then its replacement on the same host and port", () => {
  const web = fixed("web", 4);
  const live = converge(desired([web]), inventory([1, 2, 3, 4].map((n) => host(n))));
  const plan = planChanges(desired([{ ...web, image: "reg:5000/dcp/demo:2" }]), live, { seed: 7 });
  expect(plan.unplaced).toEqual([]);
  const chains = [...new Set(plan.changes.filter((c) => c.direction === "in-place").map((c) => c.chain))];
  expect(chains).toHaveLength(4);
  for (const chain of chains) {
    const steps = plan.changes.filter((c) => c.chain === chain);
    expect(kinds(steps)).toEqual(["unpublish-upstream", "drain", "await-consumers", "stop", "remove", "create", "start", "wait-healthy", "register", "publish-upstream"]);
    expect(new Set(steps.map((c) => c.node)).size).toBe(1);
    expect(new Set(steps.map((c) => c.wave)).size).toBe(1);
  }
  // maxUnavailable 25% of 4 = 1, and a surge finds no free port: one at a time.
  expect(new Set(plan.changes.filter((c) => c.direction === "in-place").map((c) => c.wave)).size).toBe(4);
  const after = converge(desired([{ ...web, image: "reg:5000/dcp/demo:2" }]), live);
  expect(after.upstreams.filter((u) => !u.down)).toHaveLength(4);
});

test("3 fixed-port replicas on 3 hosts cannot roll within the default budget (25% of 3 unavailable is 0), and the plan says why", () => {
  const web = fixed("web", 3);
  const live = converge(desired([web]), inventory([1, 2, 3].map((n) => host(n))));
  const plan = planChanges(desired([{ ...web, image: "reg:5000/dcp/demo:2" }]), live, { seed: 7 });
  expect(plan.unplaced).toHaveLength(3);
  for (const u of plan.unplaced) expect(u.reason).toMatch(/^no spare host or port for a surge \(no host fits: 3 hosts — anti-affinity: 3\); maxUnavailable 0 allows no replacement in place$/);
  const allowed = planChanges(desired([{ ...web, image: "reg:5000/dcp/demo:2", update: { maxUnavailable: 1 } }]), live, { seed: 7 });
  expect(allowed.unplaced).toEqual([]);
});

test("with spare capacity a roll surges: the old container goes only after its replacement serves, in the same wave", () => {
  const web = pool("web", { replicas: 4 });
  const live = converge(desired([web]), inventory([1, 2].map((n) => host(n))));
  const plan = planChanges(desired([{ ...web, image: "reg:5000/dcp/demo:2" }]), live, { seed: 7 });
  expect(plan.changes.some((c) => c.direction === "in-place")).toBe(false);
  const creates = plan.changes.filter((c) => c.kind === "create");
  const removes = plan.changes.filter((c) => c.kind === "remove");
  // maxSurge 25% of 4 = 1 per wave.
  expect(creates.map((c) => c.wave)).toEqual([1, 2, 3, 4]);
  expect(removes.map((c) => c.wave).sort()).toEqual([1, 2, 3, 4]);
});

test("a new container that never passed its check is checked before the healthy old one goes (a re-run converges; a failing check stops it first)", () => {
  const web = pool("web", { replicas: 1 });
  const live = converge(desired([web]), inventory([host(1)]));
  const next = { ...web, image: "reg:5000/dcp/demo:broken" };
  const plan = planChanges(desired([next]), live, { seed: 7 });
  // The roll created and started the new container, which then failed its check.
  const failed = simulate(live, plan.changes.filter((c) => c.kind === "create" || c.kind === "start"));
  for (const h of failed.hosts) for (const c of h.containers ?? []) if (c.image.endsWith(":broken")) c.health = "unknown";
  const again = planChanges(desired([next]), failed, { seed: 7 });
  const up = again.changes.filter((c) => c.direction === "up");
  const down = again.changes.filter((c) => c.direction === "down");
  expect(kinds(up)).toEqual(["wait-healthy", "register", "publish-upstream"]);
  // The executor runs a wave's up chains before its down chains and stops at a failed one.
  expect(kinds(down)).toEqual(expect.arrayContaining(["unpublish-upstream", "stop", "remove"]));
  expect(new Set([...up, ...down].map((c) => c.wave))).toEqual(new Set([up[0].wave]));
  expect(down.every((c) => !("image" in c) || !String(c.image).endsWith(":broken"))).toBe(true);
});

test("a new container whose check fails (a roll that stopped) does not replace the healthy old one", () => {
  const web = pool("web", { replicas: 1 });
  const live = converge(desired([web]), inventory([host(1)]));
  const next = { ...web, image: "reg:5000/dcp/demo:broken" };
  const plan = planChanges(desired([next]), live, { seed: 7 });
  const failed = simulate(live, plan.changes.filter((c) => c.kind === "create" || c.kind === "start"));
  for (const h of failed.hosts) for (const c of h.containers ?? []) if (c.image.endsWith(":broken")) c.health = "critical";
  const again = planChanges(desired([next]), failed, { seed: 7 });
  expect(again.changes.some((c) => c.kind === "remove")).toBe(false);
});

test("an entry tier made together with the first servers of its upstream starts in the wave after them", () => {
  const web = pool("web", { replicas: 2 });
  const plan = planChanges(desired([web, entry]), inventory([1, 2, 3].map((n) => host(n))), { seed: 7 });
  const waves = (p: string) => [...new Set(plan.changes.filter((c) => c.kind === "create" && c.pool === p).map((c) => c.wave))];
  expect(waves("web")).toEqual([1]);
  expect(waves("entry")).toEqual([2]);
  // Once the upstream serves, a new entry container starts at once.
  const live = converge(desired([web, { ...entry, replicas: 1, effectiveReplicas: 1 }]), inventory([1, 2, 3].map((n) => host(n))));
  const more = planChanges(desired([web, entry]), live, { seed: 7 });
  expect([...new Set(more.changes.filter((c) => c.kind === "create").map((c) => c.wave))]).toEqual([1]);
});
