import { DcpError } from "../../../model/errors";
import { LocalFleetInput, planLocalHosts } from "../../../constructs/local-hosts";
import { generationOf, LOCAL_HOST_CAP } from "../../../local-site";

const yf: LocalFleetInput = { name: "yf-standard", idc: "yf-private", zones: ["yf-a"], cloud: false, hostClass: { cpu: 32, memoryMiB: 65536 }, hostsForPools: 2, bufferHosts: 2 };
const bj: LocalFleetInput = {
  name: "bj-standard",
  idc: "aliyun-bj",
  zones: ["cn-beijing-h", "cn-beijing-i", "cn-beijing-j"],
  cloud: true,
  hostClass: { cpu: 16, memoryMiB: 32768 },
  hostsForPools: 1,
  bufferHosts: 3,
};

describe("planLocalHosts", () => {
  test("each fleet gets the hosts its pools need plus its buffer, numbered in a block of its own", () => {
    const plan = planLocalHosts("dcp", [yf, bj], {});
    expect(plan.hosts.map((h) => [h.node, h.fleet, h.zone, h.cpu, h.cloud])).toEqual([
      ["dcp-h1", "yf-standard", "yf-a", 32, false],
      ["dcp-h2", "yf-standard", "yf-a", 32, false],
      ["dcp-h3", "yf-standard", "yf-a", 32, false],
      ["dcp-h4", "yf-standard", "yf-a", 32, false],
      ["dcp-h41", "bj-standard", "cn-beijing-h", 16, true],
      ["dcp-h42", "bj-standard", "cn-beijing-i", 16, true],
      ["dcp-h43", "bj-standard", "cn-beijing-j", 16, true],
      ["dcp-h44", "bj-standard", "cn-beijing-h", 16, true],
    ]);
    expect(plan.fleets).toEqual([
      { fleet: "yf-standard", sized: 4, hosts: 4 },
      { fleet: "bj-standard", sized: 4, hosts: 4 },
    ]);
  });

  test("one fleet growing keeps the other fleet's names", () => {
    const before = planLocalHosts("dcp", [yf, bj], {}).hosts.filter((h) => h.fleet === "bj-standard").map((h) => h.node);
    const after = planLocalHosts("dcp", [{ ...yf, hostsForPools: 9 }, bj], {}).hosts.filter((h) => h.fleet === "bj-standard").map((h) => h.node);
    expect(after).toEqual(before);
  });

  test("a host that still runs keeps its generation, one that went away gets the next, a new one 0", () => {
    const ledger = { "dcp-h1": { generation: 3, live: true }, "dcp-h2": { generation: 3, live: false } };
    const byNode = Object.fromEntries(planLocalHosts("dcp", [yf], ledger).hosts.map((h) => [h.node, h.generation]));
    expect(byNode).toEqual({ "dcp-h1": 3, "dcp-h2": 4, "dcp-h3": 0, "dcp-h4": 0 });
    expect([generationOf(undefined), generationOf({ generation: 0, live: true }), generationOf({ generation: 0, live: false })]).toEqual([0, 0, 1]);
  });

  test(`at most ${LOCAL_HOST_CAP} hosts in all: buffers go first, and the cut is noted`, () => {
    const plan = planLocalHosts("dcp", [{ ...yf, hostsForPools: 20, bufferHosts: 6 }, { ...bj, hostsForPools: 12, bufferHosts: 10 }], {});
    expect(plan.hosts).toHaveLength(LOCAL_HOST_CAP);
    // 48 asked for: the larger buffer is cut first until both buffers meet, then by turns.
    expect(plan.fleets.map((f) => [f.fleet, f.sized, f.hosts])).toEqual([
      ["yf-standard", 26, 24],
      ["bj-standard", 22, 16],
    ]);
    for (const f of plan.fleets) expect(f.note).toMatch(new RegExp(`^local: ${f.hosts} of the ${f.sized} hosts sizing asks for \\(one machine holds ${LOCAL_HOST_CAP}`));
  });

  test("past the cap without buffers, every fleet with pools keeps at least one host", () => {
    const plan = planLocalHosts("dcp", [{ ...yf, hostsForPools: 60, bufferHosts: 0 }, { ...bj, hostsForPools: 1, bufferHosts: 0 }], {});
    expect(plan.fleets.map((f) => f.hosts)).toEqual([39, 1]);
  });

  test("more fleets than the site's /24 has blocks for is an error", () => {
    const fleets = Array.from({ length: 7 }, (_, i) => ({ ...yf, name: `f${i}` }));
    expect(() => planLocalHosts("dcp", fleets, {})).toThrow(DcpError);
    expect(() => planLocalHosts("dcp", fleets, {})).toThrow(/at most 6 fleets on one site/);
  });

  test("hosts a refill added stay in their fleet with their own zone; the sized hosts skip their slots", () => {
    const refill = { node: "dcp-h2", fleet: "yf-standard", idc: "yf-private", zone: "z-refill", cpu: 32, memoryMiB: 65536, cloud: false, generation: 0 };
    const plan = planLocalHosts("dcp", [{ ...yf, bufferHosts: 1 }], { "dcp-h2": { generation: 0, live: false } }, { "dcp-h2": refill });
    expect(plan.hosts.map((h) => h.node)).toEqual(["dcp-h1", "dcp-h3", "dcp-h4", "dcp-h2"]);
    expect(plan.hosts.find((h) => h.node === "dcp-h2")).toEqual({ ...refill, generation: 1 });
    expect(plan.fleets[0]).toMatchObject({ sized: 3, hosts: 4, note: "local: 1 more that the controller added to refill the buffer" });
  });
});
