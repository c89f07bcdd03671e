import { DesiredState, PoolSpec, takenDown } from "../../../model/desired-state";

const pool = (name: string, extra: Partial<PoolSpec> = {}) => ({ name, replicas: 5, effectiveReplicas: 7, ...extra }) as PoolSpec;

test("taken down: every pool at zero, an autoscaled one without its rule (apply would hold it at its min)", () => {
  const desired = { version: 1, idcs: [], fleets: [], pools: [pool("web"), pool("api", { autoscale: { min: 2, max: 9 } as PoolSpec["autoscale"] })] } as DesiredState;
  const down = takenDown(desired);
  expect(down.pools.map((p) => [p.name, p.replicas, p.effectiveReplicas, "autoscale" in p])).toEqual([
    ["web", 0, 0, false],
    ["api", 0, 0, false],
  ]);
  expect(desired.pools[1].autoscale).toBeDefined();
});
