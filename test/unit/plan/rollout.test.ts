import { updateBudget } from "../../../model/rollout";
import { planRollout, RollCandidate, RolloutInput, RollStep } from "../../../runtime/plan/rollout";
import { ContainerRequest, SchedulerHost } from "../../../runtime/scheduler/types";

const RES = { cpu: 4, memoryMiB: 8192 };

function host(n: number, pools: Record<string, number[]> = {}, healthy = true): SchedulerHost {
  const ports = Object.values(pools).flat();
  const count = ports.length;
  return {
    node: `h${n}`,
    idc: "idc",
    zone: "z",
    fleet: "f",
    attributes: { node: `h${n}` },
    capacity: { cpu: 16, memoryMiB: 32768 },
    reserved: { cpu: RES.cpu * count, memoryMiB: RES.memoryMiB * count },
    usedPorts: ports,
    poolCounts: Object.fromEntries(Object.entries(pools).map(([p, list]) => [p, list.length])),
    healthy,
    initialised: true,
    buffer: false,
  };
}

function request(pool: string, i: number, ports: number[], antiAffinity = true): ContainerRequest {
  return { pool, instance: `${pool}-${String(i).padStart(5, "0")}`, resources: RES, ports, idcs: ["idc"], constraints: [], antiAffinity, strategy: "spread" };
}

/** Fixed-port pools ask for their ports and keep one container per host; dynamic ones share hosts. */
function candidate(pool: string, i: number, node: string, ports: number[], fixed: boolean, healthy = true): RollCandidate {
  return { request: request(pool, i, fixed ? ports : [], fixed), old: { node, pool, resources: RES, ports, healthy } };
}

function input(hosts: SchedulerHost[], candidates: RollCandidate[], replicas: number, available = replicas, extra: Partial<RolloutInput> = {}, update = {}): RolloutInput {
  return { hosts, creates: [], removals: [], candidates, pools: new Map([["web", { budget: updateBudget(update, replicas), available }]]), ...extra };
}

const byWave = (steps: RollStep[]) => {
  const waves = new Map<number, RollStep[]>();
  for (const s of steps) waves.set(s.wave, [...(waves.get(s.wave) ?? []), s]);
  return [...waves.entries()].sort((a, b) => a[0] - b[0]).map(([, list]) => list);
};

test("a fixed-port pool on every host rolls in place, one container out at a time (6 replicas: surge 2, unavailable 1)", () => {
  const hosts = [1, 2, 3, 4, 5, 6].map((n) => host(n, { web: [8080] }));
  const plan = planRollout(input(hosts, hosts.map((h, i) => candidate("web", i, h.node, [8080], true)), 6));
  expect(plan.unplaced).toEqual([]);
  const waves = byWave(plan.steps);
  expect(waves).toHaveLength(6);
  for (const w of waves) expect(w.map((s) => s.mode)).toEqual(["in-place"]);
  expect(new Set(plan.steps.map((s) => s.node)).size).toBe(6);
});

test("what wave k frees, wave k+1 uses: 4 fixed-port replicas with 2 spare hosts surge onto the spare and then the freed hosts", () => {
  const hosts = [1, 2, 3, 4].map((n) => host(n, { web: [8080] })).concat([host(5), host(6)]);
  const plan = planRollout(input(hosts, [0, 1, 2, 3].map((i) => candidate("web", i, `h${i + 1}`, [8080], true)), 4));
  expect(plan.unplaced).toEqual([]);
  expect(plan.steps.every((s) => s.mode === "surge")).toBe(true);
  // surge 1 per wave (25% of 4, rounded up): four waves, each onto a host free at its start.
  expect(byWave(plan.steps).map((w) => w.length)).toEqual([1, 1, 1, 1]);
  expect(plan.steps[0].node).toMatch(/^h[56]$/);
  expect(plan.steps[1].node).toMatch(/^h[156]$/);
});

test("dynamic ports with spare capacity: only surges, maxSurge per wave, nothing taken down early", () => {
  const hosts = [1, 2, 3].map((n) => host(n, { web: [20000, 20001] }));
  const cands = [0, 1, 2, 3, 4, 5].map((i) => candidate("web", i, `h${(i % 3) + 1}`, [20000 + Math.floor(i / 3)], false));
  const plan = planRollout(input(hosts, cands, 6));
  expect(byWave(plan.steps).map((w) => w.map((s) => s.mode))).toEqual([["surge", "surge"], ["surge", "surge"], ["surge", "surge"]]);
});

test("the healthy floor holds through host loss: a pool below it replaces nothing in place until its lost container is back", () => {
  // 6 replicas; web-00005's host is lost and it is created on the spare h7; the others sit on h1-h5 with port 8080.
  const hosts = [1, 2, 3, 4, 5].map((n) => host(n, { web: [8080] })).concat([host(7)]);
  const cands = [0, 1, 2, 3, 4].map((i) => candidate("web", i, `h${i + 1}`, [8080], true));
  const creates = [request("web", 5, [8080])];
  const plan = planRollout(input(hosts, cands, 6, 5, { creates }));
  expect(plan.creates.get("web/web-00005")).toBe("h7");
  const waves = byWave(plan.steps);
  expect(Math.min(...plan.steps.map((s) => s.wave))).toBe(2);
  for (const w of waves) expect(w.filter((s) => s.mode === "in-place").length).toBeLessThanOrEqual(1);
  expect(plan.steps).toHaveLength(5);
});

test("scale-in frees its hosts for the next wave", () => {
  const hosts = [1, 2, 3, 4, 5, 6].map((n) => host(n, { web: [8080] }));
  const removals = [4, 5].map((i) => ({ node: `h${i + 1}`, pool: "web", resources: RES, ports: [8080] }));
  const cands = [0, 1, 2, 3].map((i) => candidate("web", i, `h${i + 1}`, [8080], true));
  const plan = planRollout(input(hosts, cands, 4, 4, { removals }));
  const waves = byWave(plan.steps);
  expect(waves[0].map((s) => s.mode)).toEqual(["in-place"]);
  expect(waves[1].some((s) => s.mode === "surge" && /^h[56]$/.test(s.node))).toBe(true);
  expect(plan.steps).toHaveLength(4);
});

test("containers that do not serve are replaced in place whatever the budget", () => {
  const hosts = [1, 2, 3].map((n) => host(n, { web: [8080] }));
  const cands = [0, 1, 2].map((i) => candidate("web", i, `h${i + 1}`, [8080], true, false));
  const plan = planRollout(input(hosts, cands, 3, 0));
  // None serves, so none counts against maxUnavailable 0 (25% of 3): all go at once.
  expect(byWave(plan.steps).map((w) => w.length)).toEqual([3]);
  expect(plan.steps.every((s) => s.mode === "in-place")).toBe(true);
});

test("with maxUnavailable 0 and no spare host the roll is refused, saying why", () => {
  const hosts = [1, 2].map((n) => host(n, { web: [8080] }));
  const cands = [0, 1].map((i) => candidate("web", i, `h${i + 1}`, [8080], true));
  const plan = planRollout(input(hosts, cands, 2, 2, {}, { maxSurge: 1, maxUnavailable: 0 }));
  expect(plan.steps).toEqual([]);
  expect(plan.unplaced.map((u) => u.instance)).toEqual(["web-00000", "web-00001"]);
  expect(plan.unplaced[0].reason).toMatch(/maxUnavailable 0 allows no replacement in place/);
});
