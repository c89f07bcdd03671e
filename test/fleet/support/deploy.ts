/**
 * Helpers of the deploy fleet tests: the site they build from nothing, and its live state
 * read back from Consul and the daemons. Running cdktf is test/support/cdktf.ts.
 */
import { readSite, SiteUpOptions } from "../../../local-site";
import { DesiredState } from "../../../model/desired-state";
import { planFromLive } from "../../../runtime";
import { ConsulClient, consulConfigFromEnv } from "../../../runtime/consul/client";
import { Inventory } from "../../../model/inventory";
import { RuntimePlan } from "../../../runtime/plan/types";
import { testSiteOptions } from "../site";

/**
 * The site deploy tests build from nothing: the test site's name with "d", its subnet's
 * third number plus 100, its Consul port plus 1 (dcptest → dcptestd, 192.168.179.0/24, 8511).
 */
export function deploySiteOptions(): SiteUpOptions {
  const test = testSiteOptions();
  const name = `${test.name}d`;
  const subnet = test.subnet ?? "192.168.79.0/24";
  const http = (test.consulHttpPort ?? 8510) + 1;
  const [a, b, c] = subnet.split(".").map(Number);
  if (c + 100 > 255) throw new Error(`deploy tests derive their subnet from ${subnet} (+100 in the third number); pick a test subnet below x.y.156.0`);
  return { name, subnet: `${a}.${b}.${c + 100}.0/24`, consulHttpPort: http, consulDnsPort: http + 100, hosts: 0 };
}

/** The live site against a desired state: inventory and what apply would still change. */
export async function liveState(site: string, desired: DesiredState): Promise<{ inventory: Inventory; plan: RuntimePlan }> {
  const s = readSite(site);
  const consul = new ConsulClient(consulConfigFromEnv({ address: s.consulHttp }));
  try {
    return await planFromLive(desired, { consul, tlsDir: s.tlsDir, profile: "local" });
  } finally {
    consul.close();
  }
}

