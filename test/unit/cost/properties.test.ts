import fc from "fast-check";
import { costOfDesired } from "../../../cost/model";
import { loadPrices } from "../../../cost/prices";
import { CONTAINER_TYPE_NAMES } from "../../../model/container-types";
import { snapshot } from "../review/scenario";

const prices = loadPrices();

const poolSets = fc.uniqueArray(
  fc.record({
    name: fc.constantFrom("a", "b", "c", "d", "e", "f"),
    type: fc.constantFrom(...CONTAINER_TYPE_NAMES),
    replicas: fc.integer({ min: 0, max: 300 }),
    owner: fc.constantFrom("t1", "t2", "t3"),
    idcs: fc.constantFrom<string[]>(["aliyun-bj"], ["yf-private", "aliyun-bj"]),
  }),
  { selector: (p) => p.name, minLength: 1, maxLength: 6 },
);

describe("cost model properties", () => {
  test("pools plus unallocated add up to the total; owners add up to the pools", () => {
    fc.assert(
      fc.property(poolSets, (pools) => {
        const c = costOfDesired(snapshot("x", pools).desired, prices);
        const poolSum = c.pools.reduce((a, p) => a + p.total.monthly, 0);
        expect(poolSum + c.unallocated.monthly).toBeCloseTo(c.total.monthly, 6);
        expect(c.owners.reduce((a, o) => a + o.total.monthly, 0)).toBeCloseTo(poolSum, 6);
        for (const p of c.pools) expect(p.total.monthly).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  test("more replicas never cost less", () => {
    fc.assert(
      fc.property(poolSets, fc.integer({ min: 1, max: 100 }), (pools, extra) => {
        const before = costOfDesired(snapshot("x", pools).desired, prices).total.monthly;
        const grown = pools.map((p, i) => (i === 0 ? { ...p, replicas: p.replicas + extra } : p));
        expect(costOfDesired(snapshot("x", grown).desired, prices).total.monthly).toBeGreaterThanOrEqual(before - 1e-6);
      }),
    );
  });
});
