import fc from "fast-check";
import { DcpError } from "../../../model/errors";
import { MAX_POOL_CONTAINERS, resolveDependencies } from "../../../model/dependencies";

describe("dependency ratios", () => {
  it("adds ceil(ratio × dependent effective replicas) to the dependency", () => {
    const eff = resolveDependencies([
      { name: "feed-api", replicas: 120, dependencies: [{ pool: "feed-cache", ratio: 0.2 }] },
      { name: "feed-cache", replicas: 4, dependencies: [] },
    ]);
    expect(eff.get("feed-api")).toBe(120);
    expect(eff.get("feed-cache")).toBe(4 + 24);
  });

  it("rounds up, and exact products are not pushed up by floating point", () => {
    const eff = resolveDependencies([
      { name: "a", replicas: 30, dependencies: [{ pool: "b", ratio: 0.1 }, { pool: "c", ratio: 0.07 }] },
      { name: "b", replicas: 0, dependencies: [] },
      { name: "c", replicas: 0, dependencies: [] },
    ]);
    expect(eff.get("b")).toBe(3); // 0.1 × 30 is 3.0000000000000004 in floating point
    expect(eff.get("c")).toBe(3); // 2.1 → 3
  });

  it("chains through several levels in topological order, whatever the declaration order", () => {
    const eff = resolveDependencies([
      { name: "c", replicas: 1, dependencies: [] },
      { name: "b", replicas: 0, dependencies: [{ pool: "c", ratio: 0.5 }] },
      { name: "a", replicas: 10, dependencies: [{ pool: "b", ratio: 1 }, { pool: "c", ratio: 0.1 }] },
    ]);
    expect(eff.get("b")).toBe(10);
    expect(eff.get("c")).toBe(1 + 5 + 1);
  });

  it("sums contributions of several dependents", () => {
    const eff = resolveDependencies([
      { name: "x", replicas: 10, dependencies: [{ pool: "cache", ratio: 0.2 }] },
      { name: "y", replicas: 7, dependencies: [{ pool: "cache", ratio: 0.5 }] },
      { name: "cache", replicas: 1, dependencies: [] },
    ]);
    expect(eff.get("cache")).toBe(1 + 2 + 4);
  });

  it("names the cycle", () => {
    const run = () =>
      resolveDependencies([
        { name: "a", replicas: 1, dependencies: [{ pool: "b", ratio: 1 }] },
        { name: "b", replicas: 1, dependencies: [{ pool: "c", ratio: 1 }] },
        { name: "c", replicas: 1, dependencies: [{ pool: "a", ratio: 1 }] },
      ]);
    expect(run).toThrow(DcpError);
    expect(run).toThrow("dependency cycle: a → b → c → a");
  });

  it("rejects a pool depending on itself", () => {
    expect(() => resolveDependencies([{ name: "a", replicas: 1, dependencies: [{ pool: "a", ratio: 1 }] }])).toThrow("dependency cycle: a → a");
  });

  it("names an unknown dependency and where it was declared", () => {
    expect(() =>
      resolveDependencies([{ name: "a", replicas: 1, dependencies: [{ pool: "ghost", ratio: 1 }], source: "stacks/pools/a.yaml:1" }]),
    ).toThrow('stacks/pools/a.yaml:1: pool "a" depends on "ghost", which is not defined');
  });

  it("refuses the first pool that ratios chained through a few levels bring past the limit, naming both parts", () => {
    const chain = Array.from({ length: 12 }, (_, i) => ({
      name: `p${i}`,
      replicas: 400,
      dependencies: i < 11 ? [{ pool: `p${i + 1}`, ratio: 3 }] : [],
      source: `stacks/pools/p${i}.yaml:1`,
    }));
    expect(() => resolveDependencies(chain)).toThrow(
      /^stacks\/pools\/p5\.yaml:1: pool "p5" would run 145600 containers \(400 of its own, 145200 brought by dependency ratios\), more than the 100000 /,
    );
    expect(() => resolveDependencies([{ name: "big", replicas: MAX_POOL_CONTAINERS + 1, dependencies: [] }])).toThrow(
      `pool "big" would run ${MAX_POOL_CONTAINERS + 1} containers, more than`,
    );
    expect(resolveDependencies([{ name: "big", replicas: MAX_POOL_CONTAINERS, dependencies: [] }]).get("big")).toBe(MAX_POOL_CONTAINERS);
  });

  it("n more dependent containers bring exactly the ceil of the ratio more (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 500 }), fc.integer({ min: 1, max: 100 }), (n, extra, pct) => {
        const ratio = pct / 100;
        const eff = (replicas: number) =>
          resolveDependencies([
            { name: "a", replicas, dependencies: [{ pool: "b", ratio }] },
            { name: "b", replicas: 0, dependencies: [] },
          ]).get("b")!;
        expect(eff(n)).toBe(Math.ceil(Math.round(n * pct) / 100));
        expect(eff(n + extra)).toBeGreaterThanOrEqual(eff(n));
      }),
    );
  });
});
