import { DesiredState } from "../../../model/desired-state";
import { expectationsOf, judgeHostInit, ReportingHost } from "../../../runtime/inventory/host-init";

const ready = { stage: "ready", ok: true };

function desired(fleets: DesiredState["fleets"]): DesiredState {
  return {
    version: 1,
    idcs: [
      { name: "yf", kind: "private", zones: ["a"], consulAddress: "10.0.0.1", cloudWeightFactor: 1 },
      { name: "bj", kind: "cloud", region: "cn-beijing", zones: ["h"], consulAddress: "172.16.0.10", cloudWeightFactor: 0.8 },
    ],
    fleets,
    pools: [],
  };
}

const fleet = (name: string, idc: string, desiredHosts: number, hosts?: string[]): DesiredState["fleets"][number] => ({
  name,
  idc,
  hostClass: { cpu: 16, memoryMiB: 32768 },
  instanceTypes: [],
  chargeType: "PostPaid",
  hostsForPools: desiredHosts,
  bufferHosts: 0,
  freeHosts: 0,
  desiredHosts,
  ...(hosts ? { hosts } : {}),
});

describe("expectationsOf", () => {
  test("a listed fleet waits for its hosts by name, a cloud fleet for its size, a private fleet for nothing", () => {
    expect(expectationsOf(desired([fleet("yf-standard", "yf", 3), fleet("bj-standard", "bj", 11)]))).toEqual([{ fleet: "bj-standard", count: 11 }]);
    expect(expectationsOf(desired([fleet("yf-standard", "yf", 0, ["h1", "h2"]), fleet("bj-standard", "bj", 0)]))).toEqual([{ fleet: "yf-standard", nodes: ["h1", "h2"] }]);
  });
});

describe("judgeHostInit", () => {
  test("ready when every listed host and enough hosts of each counted fleet report ready", () => {
    const hosts: ReportingHost[] = [
      { node: "h1", fleet: "yf", init: ready },
      { node: "i-1", fleet: "bj", init: ready },
      { node: "i-2", fleet: "bj", init: ready },
    ];
    expect(judgeHostInit([{ fleet: "yf", nodes: ["h1"] }, { fleet: "bj", count: 2 }], hosts)).toEqual({ ready: true, problems: [] });
  });

  test("names each host that is not ready with its stage, and counts hosts that never reported", () => {
    const hosts: ReportingHost[] = [
      { node: "h1", fleet: "yf", init: { stage: "docker", ok: false, error: "dockerd did not answer within 60 s" } },
      { node: "h2", fleet: "yf" },
      { node: "i-1", fleet: "bj", init: ready },
      { node: "i-2", fleet: "bj", init: { stage: "consul", ok: true } },
    ];
    const judged = judgeHostInit([{ fleet: "yf", nodes: ["h1", "h2", "h3"] }, { fleet: "bj", count: 4 }], hosts);
    expect(judged.ready).toBe(false);
    expect(judged.problems).toEqual([
      "h1: failed at stage docker (dockerd did not answer within 60 s) (fleet yf)",
      "h2: in the catalog, no init status yet (fleet yf)",
      "h3 (fleet yf): never reported (not in the Consul catalog)",
      "fleet bj: 1 of 4 hosts ready; i-2: at stage consul, not ready; 2 host(s) never reported",
    ]);
  });
});
