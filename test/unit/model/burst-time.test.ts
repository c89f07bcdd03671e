import { burstChangeOf, DEFAULT_BURST_RATES, describeBurst, estimateBurst, groupCreateSeconds, LOCAL_HOSTS_GROUP, minutesSeconds } from "../../../model/burst-time";
import { DesiredState } from "../../../model/desired-state";

describe("groupCreateSeconds", () => {
  test("1,000 hosts are one activity of ten RunInstances calls of 100: 3 minutes", () => {
    expect(groupCreateSeconds(1000)).toBe(180);
  });

  test("a partial call counts whole, and 1,001 hosts need a second activity", () => {
    expect(groupCreateSeconds(101)).toBe(2 * 18);
    expect(groupCreateSeconds(1001)).toBe(11 * 18);
    expect(groupCreateSeconds(2500)).toBe((10 + 10 + 5) * 18);
  });
});

describe("estimateBurst", () => {
  test("DCP's burst: 1,000 new hosts in two groups, 10,000 containers, 10 per host", () => {
    const estimate = estimateBurst({ newHostsByGroup: { "bj-h": 600, "bj-i": 400 }, newContainers: 10_000, maxContainersPerHost: 10 });
    expect(estimate.phases).toEqual([
      { phase: "hosts", seconds: 6 * 18 },
      { phase: "bootstrap", seconds: 30 },
      { phase: "pull", seconds: 4 },
      { phase: "containers", seconds: 50 }, // dcp's 5 ms × 10,000 exceeds the busiest host's 10 × 1.5 s
      { phase: "serve", seconds: 6 },
    ]);
    expect(estimate.totalSeconds).toBe(108 + 30 + 4 + 50 + 6);
    expect(describeBurst(estimate)).toBe("about 3 min: hosts 1:48, bootstrap 0:30, pull 0:04, containers 0:50, serve 0:06");
  });

  test("a scale-out onto buffer hosts has no host phases; the busiest host bounds the containers", () => {
    const estimate = estimateBurst({ newHostsByGroup: { "bj-h": 0 }, newContainers: 40, maxContainersPerHost: 4 }, { ...DEFAULT_BURST_RATES, containerSeconds: 2 });
    expect(estimate.phases.map((p) => p.phase)).toEqual(["containers", "serve"]);
    expect(estimate.totalSeconds).toBe(4 * 2 + 6);
    expect(describeBurst(estimate)).toBe("about 14 s: containers 0:08, serve 0:06");
  });

  test("no new hosts and no new containers: nothing to wait for", () => {
    expect(estimateBurst({ newHostsByGroup: {}, newContainers: 0, maxContainersPerHost: 0 })).toEqual({ totalSeconds: 0, phases: [] });
  });
});

test("minutesSeconds", () => {
  expect(minutesSeconds(190)).toBe("3:10");
  expect(minutesSeconds(59.6)).toBe("1:00");
  expect(minutesSeconds(5)).toBe("0:05");
});

describe("burstChangeOf", () => {
  const fleet = (name: string, idc: string, desiredHosts: number, bufferHosts = 0) => ({
    name, idc, hostClass: { cpu: 32, memoryMiB: 65536 }, instanceTypes: [], chargeType: "PostPaid" as const,
    hostsForPools: desiredHosts - bufferHosts, bufferHosts, freeHosts: 0, desiredHosts,
  });
  const pool = (name: string, effectiveReplicas: number) => ({ name, effectiveReplicas }) as DesiredState["pools"][number];
  const idcs: DesiredState["idcs"] = [
    { name: "yf-private", kind: "private", zones: ["yf-a"], consulAddress: "", cloudWeightFactor: 1 },
    { name: "aliyun-bj", kind: "cloud", zones: ["cn-beijing-h"], consulAddress: "", cloudWeightFactor: 0.8 },
  ];
  const state = (fleets: ReturnType<typeof fleet>[], pools: DesiredState["pools"]): DesiredState => ({ version: 1, idcs, fleets, pools });

  test("new cloud hosts per fleet, added containers, spread over new and buffer hosts", () => {
    const base = state([fleet("bj", "aliyun-bj", 10, 2), fleet("yf", "yf-private", 5)], [pool("feed", 100), pool("cache", 20)]);
    const head = state([fleet("bj", "aliyun-bj", 110, 2), fleet("yf", "yf-private", 9), fleet("bj2", "aliyun-bj", 50)], [pool("feed", 1000), pool("cache", 10), pool("new", 5)]);
    expect(burstChangeOf(base, head)).toEqual({ newHostsByGroup: { bj: 100, bj2: 50 }, newContainers: 905, maxContainersPerHost: Math.ceil(905 / 152) });
  });

  test("without a base everything is new; a scale-in adds nothing", () => {
    const head = state([fleet("bj", "aliyun-bj", 3)], [pool("feed", 6)]);
    expect(burstChangeOf(undefined, head)).toEqual({ newHostsByGroup: { bj: 3 }, newContainers: 6, maxContainersPerHost: 2 });
    expect(burstChangeOf(head, state([fleet("bj", "aliyun-bj", 1)], [pool("feed", 2)]))).toEqual({ newHostsByGroup: {}, newContainers: 0, maxContainersPerHost: 0 });
  });

  test("local profile: the site's Terraform makes every fleet's hosts, private ones too, counted as synth listed them", () => {
    const listed = (f: ReturnType<typeof fleet>, hosts: number) => ({ ...f, hosts: Array.from({ length: hosts }, (_, i) => `${f.name}-h${i}`) });
    const base = state([listed(fleet("bj", "aliyun-bj", 3), 3), listed(fleet("yf", "yf-private", 2), 2)], [pool("feed", 3)]);
    // Sizing asked yf for 60 hosts; the site holds 38 of them (the local cap).
    const head = state([listed(fleet("bj", "aliyun-bj", 4), 4), listed(fleet("yf", "yf-private", 60), 38)], [pool("feed", 6)]);
    expect(burstChangeOf(base, head, "local").newHostsByGroup).toEqual({ [LOCAL_HOSTS_GROUP]: 1 + 36 });
    expect(burstChangeOf(base, head, "cloud").newHostsByGroup).toEqual({ bj: 1 });
  });
});
