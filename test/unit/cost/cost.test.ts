import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { costOfDesired } from "../../../cost/model";
import { hostPrice, HOURS_PER_MONTH, loadPrices, PriceTable } from "../../../cost/prices";
import { examplePools, snapshot } from "../review/scenario";

const prices = loadPrices();
const cloud = { name: "aliyun-bj", kind: "cloud" as const, region: "cn-beijing", zones: ["cn-beijing-h"], consulAddress: "", cloudWeightFactor: 0.8 };

describe("price table", () => {
  test("the example file says it is an example", () => {
    expect(prices.example).toBe(true);
    expect(prices.currency).toBe("CNY");
  });

  test("PostPaid and Spot are hourly; PrePaid monthly, or yearly / 12 when bought by the year", () => {
    const fleet = (chargeType: any) => ({ instanceTypes: ["ecs.c7.4xlarge"], chargeType });
    expect(hostPrice(prices, fleet("PostPaid"), cloud)).toEqual({ perHost: { hourly: 3.2, monthly: 3.2 * HOURS_PER_MONTH }, basis: "cn-beijing ecs.c7.4xlarge PostPaid" });
    expect(hostPrice(prices, fleet("Spot"), cloud)).toMatchObject({ perHost: { hourly: 0.72 } });
    expect(hostPrice(prices, fleet("PrePaid"), cloud)).toMatchObject({ perHost: { monthly: 1480, hourly: 1480 / 730 } });
    const yearly: PriceTable = { ...prices, prepaidTerm: "year" };
    expect(hostPrice(yearly, fleet("PrePaid"), cloud)).toMatchObject({ perHost: { monthly: 15100 / 12 } });
  });

  test("falls back along the instance types; says what is missing", () => {
    expect(hostPrice(prices, { instanceTypes: ["ecs.unknown", "ecs.c6.4xlarge"], chargeType: "PostPaid" }, cloud)).toMatchObject({ basis: "cn-beijing ecs.c6.4xlarge PostPaid" });
    expect(hostPrice(prices, { instanceTypes: ["ecs.unknown"], chargeType: "PostPaid" }, cloud)).toEqual({ missing: "no PostPaid price for ecs.unknown in region cn-beijing" });
  });

  test("a malformed price file names file, line and field", () => {
    const dir = mkdtempSync(join(tmpdir(), "dcp-prices-"));
    const file = join(dir, "prices.yaml");
    writeFileSync(file, "currency: CNY\nregions:\n  cn-beijing:\n    ecs.c7.4xlarge:\n      PostPaid: { hourly: -1 }\n      Prepaid: { monthly: 10 }\n");
    expect(() => loadPrices(file)).toThrow(`${file}:5:27: regions.cn-beijing.ecs.c7.4xlarge.PostPaid.hourly: must be >= 0`);
    expect(() => loadPrices(file)).toThrow(`${file}:6:7: regions.cn-beijing.ecs.c7.4xlarge.Prepaid: unknown field; did you mean "PrePaid"?`);
    writeFileSync(file, "currency: CNY\nregions: {\n");
    expect(() => loadPrices(file)).toThrow(new RegExp(`^${file}:\\d+:\\d+: `));
  });
});

describe("cost of a desired state", () => {
  const s = snapshot("x", examplePools());
  const c = costOfDesired(s.desired, prices);

  test("cloud fleet: desired hosts × hourly; private fleet: occupied hosts × monthly per host", () => {
    const bj = c.fleets.find((f) => f.fleet === "bj-standard")!;
    expect(bj).toMatchObject({ hosts: 54, chargeType: "PostPaid", perHost: { hourly: 3.2 } });
    expect(bj.total.hourly).toBeCloseTo(54 * 3.2, 6);
    const yf = c.fleets.find((f) => f.fleet === "yf-standard")!;
    // remind-api: 16 dP01 fill one 32-core host, plus the buffer host.
    expect(yf).toMatchObject({ hosts: 2, chargeType: "private", total: { monthly: 1800 } });
  });

  test("pool shares follow reserved CPU/memory within a fleet", () => {
    const byPool = new Map(c.pools.map((p) => [p.pool, p.total.monthly]));
    // On bj-standard: feed-api 480 cores, feed-cache 192, hongbao 160 of 832.
    const bj = c.fleets.find((f) => f.fleet === "bj-standard")!.total.monthly;
    expect(byPool.get("feed-api")).toBeCloseTo((bj * 480) / 832, 6);
    expect(byPool.get("feed-cache")).toBeCloseTo((bj * 192) / 832, 6);
    expect(byPool.get("remind-api")).toBeCloseTo(1800, 6);
    expect(c.owners.find((o) => o.owner === "feed-team")!.total.monthly).toBeCloseTo((bj * 672) / 832, 6);
  });

  test("a fleet without a price is reported in notes, not silently priced at zero", () => {
    const noPrivate: PriceTable = { ...prices, private: {} };
    const c2 = costOfDesired(s.desired, noPrivate);
    expect(c2.notes).toEqual(["fleet yf-standard: no private host price for IDC yf-private; its 2 hosts are not counted"]);
  });
});
