import { NeighbourLimits, neighbourLimitsFor, raiseFor, releaseFor } from "../../../local-site/neighbours";

const KERNEL: NeighbourLimits = { gc_thresh1: 128, gc_thresh2: 512, gc_thresh3: 1024 };
const forty = neighbourLimitsFor(40);

describe("neighbourLimitsFor", () => {
  test("six hosts fit in the kernel's defaults", () => {
    const six = neighbourLimitsFor(6);
    expect(six.gc_thresh2).toBeLessThanOrEqual(KERNEL.gc_thresh2);
    expect(six.gc_thresh3).toBeLessThanOrEqual(KERNEL.gc_thresh3);
  });

  test("forty hosts (1,640 entries) get a soft limit of twice their entries and a hard limit above the default", () => {
    expect(forty).toEqual({ gc_thresh1: 2048, gc_thresh2: 4096, gc_thresh3: 8192 });
    expect(forty.gc_thresh2).toBeGreaterThanOrEqual(2 * 40 * 41);
  });
});

describe("raiseFor and releaseFor", () => {
  test("a site the kernel already allows changes and records nothing", () => {
    expect(raiseFor("dcp", neighbourLimitsFor(6), KERNEL, undefined)).toEqual({ record: undefined });
  });

  test("a large site raises the limits; its down writes the kernel's values back and leaves no record", () => {
    const up = raiseFor("dcpbig", forty, KERNEL, undefined);
    expect(up).toEqual({ write: forty, record: { original: KERNEL, written: forty, sites: { dcpbig: forty } } });
    expect(releaseFor("dcpbig", forty, up.record)).toEqual({ write: KERNEL });
  });

  test("while a second large site is up, the first one's down keeps the raise; the last down restores", () => {
    const first = raiseFor("dcpbig", forty, KERNEL, undefined);
    const second = raiseFor("dcpbig2", neighbourLimitsFor(20), forty, first.record);
    expect(second.write).toBeUndefined();
    expect(Object.keys(second.record!.sites).sort()).toEqual(["dcpbig", "dcpbig2"]);
    const afterFirst = releaseFor("dcpbig", forty, second.record);
    expect(afterFirst.write).toBeUndefined();
    expect(Object.keys(afterFirst.record!.sites)).toEqual(["dcpbig2"]);
    expect(releaseFor("dcpbig2", forty, afterFirst.record)).toEqual({ write: KERNEL });
  });

  test("a small site beside a large one holds nothing, so it cannot keep the raise alive", () => {
    const big = raiseFor("dcpbig", forty, KERNEL, undefined);
    const small = raiseFor("dcp", neighbourLimitsFor(6), forty, big.record);
    expect(small.record!.sites).toEqual({ dcpbig: forty });
    expect(releaseFor("dcp", forty, small.record)).toEqual({ record: small.record });
  });

  test("values someone else changed since dcp wrote them are left alone", () => {
    const up = raiseFor("dcpbig", forty, KERNEL, undefined);
    const changed = { ...forty, gc_thresh3: 32768 };
    expect(releaseFor("dcpbig", changed, up.record)).toEqual({});
  });

  test("limits already higher than a site needs are never lowered", () => {
    const high = { gc_thresh1: 4096, gc_thresh2: 8192, gc_thresh3: 16384 };
    expect(raiseFor("dcpbig", forty, high, undefined)).toEqual({ record: undefined });
  });
});
