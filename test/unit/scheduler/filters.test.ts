import { antiAffinity } from "../../../runtime/scheduler/filters/anti-affinity";
import { constraint } from "../../../runtime/scheduler/filters/constraint";
import { parseConstraint } from "../../../model/pool-rules/constraints";
import { health } from "../../../runtime/scheduler/filters/health";
import { idc } from "../../../runtime/scheduler/filters/idc";
import { port } from "../../../runtime/scheduler/filters/port";
import { resources } from "../../../runtime/scheduler/filters/resources";
import { tally } from "../../../runtime/scheduler/filter";
import { HostState } from "../../../runtime/scheduler/host-state";
import { DcpError } from "../../../model/errors";
import { host, request } from "./fixtures";

const state = (overrides: Parameters<typeof host>[1] = {}) => new HostState(host("h1", overrides), 0);

describe("health filter", () => {
  it("accepts a healthy, initialised host", () => {
    expect(health.accepts(state(), request("a", 1))).toBe(true);
  });
  it("rejects an unhealthy host and one whose bootstrap has not finished", () => {
    expect(health.accepts(state({ healthy: false }), request("a", 1))).toBe(false);
    expect(health.accepts(state({ initialised: false }), request("a", 1))).toBe(false);
  });
});

describe("idc filter", () => {
  it("accepts hosts in any of the request's IDCs and rejects the others", () => {
    const cloud = state({ idc: "aliyun-bj" });
    expect(idc.accepts(cloud, request("a", 1, { idcs: ["yf-private", "aliyun-bj"] }))).toBe(true);
    expect(idc.accepts(cloud, request("a", 1, { idcs: ["yf-private"] }))).toBe(false);
  });
});

describe("constraint filter", () => {
  const h = state({ attributes: { idc: "yf-private", zone: "yf-a", fleet: "yf-standard", rack: "r7" } });
  /** Whether the filter accepts the host for a request with these constraints. */
  const accepts = (host: HostState, ...texts: string[]) =>
    constraint.accepts(host, request("a", 1, { constraints: texts.map((t) => parseConstraint(t)) }));
  it("matches == and != on attributes, node meta included", () => {
    expect([accepts(h, "zone==yf-a"), accepts(h, "zone==yf-b"), accepts(h, "rack!=r7"), accepts(h, "rack!=r8")]).toEqual([
      true,
      false,
      false,
      true,
    ]);
  });
  it("requires every constraint", () => {
    expect(accepts(h, "zone==yf-a", "rack==r8")).toBe(false);
  });
  it("treats a missing attribute as different from any value", () => {
    expect([accepts(h, "gpu==yes"), accepts(h, "gpu!=yes")]).toEqual([false, true]);
  });
  it("always knows node, idc, zone and fleet even when attributes omit them", () => {
    const bare = state({ attributes: {} });
    expect([accepts(bare, "node==h1"), accepts(bare, "fleet==yf-standard")]).toEqual([true, true]);
  });
  it("matches globs in the value", () => {
    expect([accepts(h, "zone==yf-*"), accepts(h, "rack!=r*")]).toEqual([true, false]);
  });
  it("never rejects a host for a preference it misses", () => {
    expect(accepts(h, "zone==~yf-b", "rack!=~r7")).toBe(true);
  });
  it("names the first requirement each rejected host misses", () => {
    const rules = ["zone==~yf-b", "rack==r8", "zone==yf-b"].map((t) => parseConstraint(t));
    expect(constraint.explain!([h, h], request("a", 1, { constraints: rules }))).toBe("rack==r8");
  });
  it("parses constraints and rejects malformed ones with an error that says what to write", () => {
    expect(parseConstraint("zone!=cn-beijing-h")).toEqual({ key: "zone", op: "!=", value: "cn-beijing-h" });
    expect(() => parseConstraint("zone=yf-a", "stacks/pools/feed-api.yaml")).toThrow(DcpError);
    expect(() => parseConstraint("zone=yf-a", "stacks/pools/feed-api.yaml")).toThrow(
      'stacks/pools/feed-api.yaml: invalid placement constraint "zone=yf-a": must be key==value or key!=value'
    );
    // One syntax everywhere: what a pool file, a construct or --desired accepts, no more.
    expect(() => parseConstraint(" zone != cn-beijing-h ")).toThrow(DcpError);
    expect(() => parseConstraint("==yf-a")).toThrow(DcpError);
    expect(() => parseConstraint("zone==")).toThrow(DcpError);
  });
});

describe("anti-affinity filter", () => {
  it("rejects a host that already runs the pool, only for pools that ask for it", () => {
    const h = state({ poolCounts: { a: 1 } });
    expect(antiAffinity.accepts(h, request("a", 1, { antiAffinity: true }))).toBe(false);
    expect(antiAffinity.accepts(h, request("a", 1, { antiAffinity: false }))).toBe(true);
    expect(antiAffinity.accepts(h, request("b", 1, { antiAffinity: true }))).toBe(true);
  });
  it("sees containers placed during the run", () => {
    const h = state();
    const r = request("a", 1, { antiAffinity: true });
    expect(antiAffinity.accepts(h, r)).toBe(true);
    h.place(r);
    expect(antiAffinity.accepts(h, request("a", 2, { antiAffinity: true }))).toBe(false);
  });
});

describe("port filter", () => {
  it("rejects a fixed port already bound on the host", () => {
    const h = state({ usedPorts: [8080] });
    expect(port.accepts(h, request("a", 1, { ports: [8080] }))).toBe(false);
    expect(port.accepts(h, request("a", 1, { ports: [8081, 8080] }))).toBe(false);
    expect(port.accepts(h, request("a", 1, { ports: [8081] }))).toBe(true);
  });
  it("never rejects dynamic ports (0)", () => {
    const h = state({ usedPorts: [0, 8080] });
    expect(port.accepts(h, request("a", 1, { ports: [0, 0] }))).toBe(true);
  });
  it("sees ports bound by containers placed during the run, across pools", () => {
    const h = state();
    h.place(request("a", 1, { ports: [8080, 0] }));
    expect(port.accepts(h, request("b", 1, { ports: [8080] }))).toBe(false);
    expect(port.accepts(h, request("b", 1, { ports: [0] }))).toBe(true);
  });
});

describe("resources filter", () => {
  it("accepts exactly the free CPU and memory, and rejects one unit more of either", () => {
    const h = state({ reserved: { cpu: 12, memoryMiB: 24576 } });
    expect(resources.accepts(h, request("a", 1, { resources: { cpu: 4, memoryMiB: 8192 } }))).toBe(true);
    expect(resources.accepts(h, request("a", 1, { resources: { cpu: 5, memoryMiB: 8192 } }))).toBe(false);
    expect(resources.accepts(h, request("a", 1, { resources: { cpu: 4, memoryMiB: 8193 } }))).toBe(false);
  });
  it("fits fractional CPU sums without rounding errors", () => {
    const h = state({ capacity: { cpu: 0.3, memoryMiB: 1024 } });
    h.place(request("a", 1, { resources: { cpu: 0.1, memoryMiB: 1 } }));
    h.place(request("a", 2, { resources: { cpu: 0.1, memoryMiB: 1 } }));
    expect(resources.accepts(h, request("a", 3, { resources: { cpu: 0.1, memoryMiB: 1 } }))).toBe(true);
  });
  it("counts reservations placed during the run", () => {
    const h = state();
    for (let i = 0; i < 8; i++) h.place(request("a", i));
    expect(resources.accepts(h, request("a", 9))).toBe(false);
  });
});

describe("tally of causes", () => {
  it("names a single cause alone, and several with their counts, most first", () => {
    expect(tally(["8080 in use", "8080 in use"])).toBe("8080 in use");
    expect(tally(["b", "a", "a", "c", "a", "b"])).toBe("a on 3, b on 2, c on 1");
  });
});
