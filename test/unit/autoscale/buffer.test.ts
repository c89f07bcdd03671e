import { bufferShortfalls, refillsDue, spreadRefill, withAddedHosts } from "../../../runtime/autoscale/buffer";
import { DesiredState } from "../../../model/desired-state";
import { host } from "../plan/fixtures";

const fleet = (name: string, bufferHosts: number) => ({ name, idc: "aliyun-bj", hostClass: { cpu: 16, memoryMiB: 32768 }, instanceTypes: [], chargeType: "PostPaid" as const, hostsForPools: 0, bufferHosts, freeHosts: 0, desiredHosts: bufferHosts });

describe("the host buffer", () => {
  it("counts healthy, initialised, unassigned hosts of each fleet against its target", () => {
    const hosts = [
      host(3, { fleet: "bj", assignedPools: [] }),
      host(4, { fleet: "bj", assignedPools: ["feed-api"] }),
      host(5, { fleet: "bj", assignedPools: [], healthy: false }),
      host(6, { fleet: "bj", assignedPools: [], initialised: false }),
      host(7, { fleet: "yf", assignedPools: [] }),
    ];
    expect(bufferShortfalls([fleet("bj", 3), fleet("yf", 1)], hosts)).toEqual([{ fleet: "bj", target: 3, buffer: 1, missing: 2 }]);
  });

  it("does not ask again for hosts on their way, until they arrive or patience runs out", () => {
    const shortfall = [{ fleet: "bj", target: 4, buffer: 1, missing: 3 }];
    const inFlight = [{ fleet: "bj", hostsBefore: 6, hosts: 2, at: 1_000 }];
    // Asked for 2 when the fleet had 6; one has arrived (7): one is still on its way.
    expect(refillsDue(shortfall, inFlight, new Map([["bj", 7]]), 2_000, 600_000)).toEqual([{ fleet: "bj", hosts: 2 }]);
    expect(refillsDue(shortfall, inFlight, new Map([["bj", 6]]), 2_000, 600_000)).toEqual([{ fleet: "bj", hosts: 1 }]);
    expect(refillsDue(shortfall, inFlight, new Map([["bj", 6]]), 700_000, 600_000)).toEqual([{ fleet: "bj", hosts: 3 }]);
  });

  it("fills scaling groups in zone priority order within each max", () => {
    const groups = [{ id: "asg-h", desired: 9, max: 10 }, { id: "asg-i", desired: 0, max: 2 }, { id: "asg-j", desired: 5, max: 50 }];
    expect(spreadRefill(groups, 4)).toEqual({ changes: [{ id: "asg-h", desired: 10 }, { id: "asg-i", desired: 2 }, { id: "asg-j", desired: 6 }], unplaced: 0 });
    expect(spreadRefill(groups.slice(0, 2), 4)).toEqual({ changes: [{ id: "asg-h", desired: 10 }, { id: "asg-i", desired: 2 }], unplaced: 1 });
  });

  it("counts hosts added since the deploy (local refills) as their fleet's own, once each, and leaves fleets without a host list alone", () => {
    const desired: DesiredState = { version: 1, idcs: [], pools: [], fleets: [{ ...fleet("bj", 1), hosts: ["h41", "h42"] }, fleet("cloud", 1)] };
    const added = withAddedHosts(desired, new Map([["bj", ["h43", "h42"]], ["cloud", ["x"]]]));
    expect(added.fleets.map((f) => f.hosts)).toEqual([["h41", "h42", "h43"], undefined]);
    expect(withAddedHosts(desired, new Map())).toBe(desired);
  });
});
