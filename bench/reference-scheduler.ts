/**
 * The reference scheduler, used only by the benchmark and the tests: Swarm's way, every
 * filter and every scorer for every host, for every container. It defines what the
 * scheduler must produce; runtime/scheduler/index.ts gives the same placements without
 * doing the O(containers × hosts) work.
 */
import { rejections, unplaced } from "../runtime/scheduler/explain";
import { HostState, hostStates } from "../runtime/scheduler/host-state";
import { placementGroups } from "../runtime/scheduler/order";
import { FILTERS, RANK_WIDTH, passes, rank, ranking } from "../runtime/scheduler/pipeline";
import { Outcome, scheduleResult } from "../runtime/scheduler/result";
import { mulberry32 } from "../runtime/scheduler/rng";
import { freshDraw } from "../runtime/scheduler/strategies/random";
import { ContainerRequest, ScheduleResult, SchedulerHost } from "../runtime/scheduler/types";

export function referenceSchedule(
  hosts: SchedulerHost[],
  requests: ContainerRequest[],
  options: { seed?: number } = {}
): ScheduleResult {
  const states = hostStates(hosts);
  const rng = mulberry32(options.seed ?? 1);
  const outcomes: Outcome[] = new Array(requests.length);
  const keys = new Float64Array(states.length * RANK_WIDTH);
  const before = ranking(keys);
  for (const i of placementGroups(requests).flat()) {
    const request = requests[i];
    let best: HostState | undefined;
    for (const host of states) {
      if (!passes(FILTERS, host, request)) continue;
      if (request.strategy === "random") host.draw = freshDraw(rng);
      rank(keys, host, request);
      if (!best || before(host.index, best.index) < 0) best = host;
    }
    if (best) {
      best.place(request);
      outcomes[i] = best.host.node;
    } else {
      outcomes[i] = unplaced(request, states.length, rejections(states, request));
    }
  }
  return scheduleResult(requests, outcomes);
}

/**
 * Every rule a result breaks, checked on the final state (order-independent): capacity,
 * fixed host ports, anti-affinity, health, IDC and constraints, and each request
 * answered exactly once. Empty for a valid result.
 */
export function placementViolations(
  hosts: SchedulerHost[],
  requests: ContainerRequest[],
  result: ScheduleResult
): string[] {
  const problems: string[] = [];
  const states = new Map(hostStates(hosts).map((s) => [s.host.node, s]));
  const byInstance = new Map(requests.map((r) => [`${r.pool}/${r.instance}`, r]));
  const answered = new Set<string>();
  const answer = (id: string) => {
    if (!byInstance.has(id)) problems.push(`${id}: not requested`);
    if (answered.has(id)) problems.push(`${id}: answered twice`);
    answered.add(id);
  };
  for (const u of result.unplaced) answer(`${u.pool}/${u.instance}`);
  for (const p of result.placements) {
    const id = `${p.pool}/${p.instance}`;
    answer(id);
    const request = byInstance.get(id);
    const host = states.get(p.node);
    if (!request || !host) {
      problems.push(`${id}: placed on unknown host ${p.node}`);
      continue;
    }
    for (const f of FILTERS.filter((f) => f.static)) {
      if (!f.accepts(host, request)) problems.push(`${id} on ${p.node}: breaks ${f.name}`);
    }
    for (const port of request.ports) {
      if (port !== 0 && host.usedPorts.has(port)) problems.push(`${id} on ${p.node}: port ${port} taken`);
    }
    if (request.antiAffinity && host.count(request.pool) > 0) problems.push(`${id} on ${p.node}: anti-affinity`);
    host.place(request);
  }
  for (const host of states.values()) {
    if (host.freeCpu < -1e-9 || host.freeMemoryMiB < -1e-9) problems.push(`${host.host.node}: over capacity`);
  }
  for (const id of byInstance.keys()) if (!answered.has(id)) problems.push(`${id}: not answered`);
  return problems;
}
