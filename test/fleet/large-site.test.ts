/**
 * `dcp up --hosts 40`: forty real hosts (dockerd + Consul agent each) on one machine. Their
 * agents' gossip needs more of the kernel's shared neighbour table than its defaults allow,
 * so `up` raises the limits and `down` restores them. The site is the test's own (see
 * largeSiteOptions), brought up and down here.
 */
import { applyDesired } from "../../runtime";
import { LocalSite, siteDown, siteStatus, siteUp } from "../../local-site";
import { neighbourLimitsFor, NeighbourLimits, readNeighbourLimits } from "../../local-site/neighbours";
import { Suite, testDesired, testPool } from "./support/apply";
import { largeSiteOptions } from "./site";

const HOSTS = 40;
const options = largeSiteOptions(HOSTS);
let before: NeighbourLimits;
let site: LocalSite;

beforeAll(async () => {
  await siteDown(options.name!);
  before = readNeighbourLimits();
  site = await siteUp({ ...options, log: (line) => process.stderr.write(`[large site] ${line}\n`) });
}, 600_000);

afterAll(() => siteDown(options.name!), 300_000);

test("all 40 hosts are up: in the catalog with serf passing, bootstrap ready, dockerd answering over TLS", async () => {
  const status = await siteStatus(options.name);
  expect(status.problems).toEqual([]);
  expect(status.hosts).toHaveLength(HOSTS);
  expect(status.hosts.every((h) => h.inCatalog && h.serfHealthy && h.initReady && h.dockerTls)).toBe(true);
});

test("the kernel's neighbour-table limits are at least what 40 hosts need", () => {
  const now = readNeighbourLimits();
  const needed = neighbourLimitsFor(HOSTS);
  for (const key of ["gc_thresh1", "gc_thresh2", "gc_thresh3"] as const) expect(now[key]).toBeGreaterThanOrEqual(needed[key]);
});

test("one apply places a container on every one of the 40 hosts, healthy and published", async () => {
  const suite = new Suite(site, "large");
  const pool = testPool(site, "tlarge-web", HOSTS, { containerType: "dP01", placement: { strategy: "spread", antiAffinity: "host", constraints: [] } });
  try {
    const report = await applyDesired(testDesired([pool]), { consul: suite.consul, tlsDir: site.tlsDir, profile: "local", progress: "quiet" });
    expect(report.plan.unplaced).toEqual([]);
    const containers = await suite.containers(pool.name);
    expect(new Set(containers.map((c) => c.node)).size).toBe(HOSTS);
    expect(containers.every((c) => c.running)).toBe(true);
    const servers = (await suite.upstreams(pool.upstream!.name)).filter((u) => !u.down);
    expect(servers).toHaveLength(HOSTS);
  } finally {
    suite.consul.close();
  }
}, 300_000);

test("down removes the site and gives the neighbour-table limits back as they were before up", async () => {
  await siteDown(options.name!);
  expect((await siteStatus(options.name)).healthy).toBe(false);
  expect(readNeighbourLimits()).toEqual(before);
}, 300_000);
