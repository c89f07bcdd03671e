/**
 * Which local site the fleet tests use: `dcptest` by default. Another checkout can run its
 * fleet tests beside it on a site of its own by naming one, e.g.
 *
 *   DCP_TEST_SITE=dcpt2 DCP_TEST_SITE_SUBNET=192.168.82.0/24 DCP_TEST_SITE_CONSUL_PORT=8520 npm test
 *
 * (DNS then listens on the HTTP port + 100). The host class is dcptest's in every case.
 */
import { siteLayout, SiteUpOptions, TEST_SITE } from "../../local-site";

export function testSiteOptions(): SiteUpOptions {
  const name = process.env.DCP_TEST_SITE || TEST_SITE;
  if (name === TEST_SITE) return { name };
  const preset = siteLayout({ name: TEST_SITE });
  const httpPort = Number(process.env.DCP_TEST_SITE_CONSUL_PORT);
  if (!process.env.DCP_TEST_SITE_SUBNET || !Number.isInteger(httpPort)) {
    throw new Error(`DCP_TEST_SITE=${name} also needs DCP_TEST_SITE_SUBNET (a /24) and DCP_TEST_SITE_CONSUL_PORT`);
  }
  return {
    name,
    subnet: process.env.DCP_TEST_SITE_SUBNET,
    consulHttpPort: httpPort,
    consulDnsPort: httpPort + 100,
    hostCpu: preset.hosts[0].cpu,
    hostMemoryMiB: preset.hosts[0].memoryMiB,
  };
}

/**
 * The 40-host site of test/fleet/large-site.test.ts, beside the test site: its name with
 * "40" appended, the third octet of its subnet + 100, its Consul ports + 1000.
 */
export function largeSiteOptions(hosts: number): SiteUpOptions {
  const base = siteLayout(testSiteOptions());
  const [a, b, c] = base.subnet.split(".").map(Number);
  const http = Number(base.consulHttp.split(":").pop()) + 1000;
  return {
    name: `${base.name}40`,
    hosts,
    subnet: `${a}.${b}.${(c + 100) % 256}.0/24`,
    consulHttpPort: http,
    consulDnsPort: http + 100,
    hostCpu: base.hosts[0].cpu,
    hostMemoryMiB: base.hosts[0].memoryMiB,
  };
}
