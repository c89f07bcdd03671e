/**
 * The local site (the "local fleet" of `dcp up`): several real Docker hosts on one machine,
 * each in its own network namespace with dockerd (TLS) and a Consul agent, joined to a
 * Consul server, with an image registry and the demo image. `dcp up`/`down`/`status`,
 * `dcp host add`/`remove` (which the local profile's Terraform runs) and the fleet tests use it.
 */
import { existsSync } from "node:fs";
import { DEFAULT_SITE, fleetFile, siteLayout, stateDirOf } from "./layout";
import { hostLedger } from "./records";
import { readRefillHosts, refillHostsFile } from "./refill";
import { readSite } from "./site";
import { LocalSite, LocalSiteTarget } from "./types";

export * from "./types";
export { siteLayout, hostNode, stateDirOf, DEFAULT_SITE, TEST_SITE, LOCAL_HOST_CAP, SLOTS_PER_FLEET } from "./layout";
export { clientTls, dockerPing } from "./status";
export { CatalogTargets, Traffic, TrafficOptions, TrafficReport, MAX_RATE } from "./traffic";
export { readSite, siteUp, siteDown, siteStatus, restartConsul, stopHostDocker, startHostDocker } from "./site";
export { addHost, removeHost, AddHostSpec } from "./added-hosts";
export { hostLedger, generationOf, LedgerEntry } from "./records";
export { startSiteController, stopSiteController, controllerFiles } from "./controller";
export { LocalSiteCapacity, readRefillHosts, refillHostsFile } from "./refill";
export { entryPoolShape, EntryPoolShape } from "./entry-pool";

/**
 * The site the local profile deploys onto (`name`, default env DCP_SITE, else "dcp"), with
 * what Terraform made there according to the state files under `outDir` (where cdktf keeps
 * its stacks). A site that is not up yet (a deploy from nothing makes its base) is
 * described by the defaults of its name.
 */
export function localSiteTarget(name: string | undefined, outDir: string): LocalSiteTarget {
  const site = siteOrLayout(name || process.env.DCP_SITE || DEFAULT_SITE);
  return { name: site.name, image: site.image, entryImage: site.entryImage, ledger: hostLedger(site, outDir), refills: readRefillHosts(site), refillHostsFile: refillHostsFile(site) };
}

function siteOrLayout(name: string): LocalSite {
  return existsSync(fleetFile(stateDirOf(name))) ? readSite(name) : siteLayout({ name, hosts: 0 });
}

/** Where a site's fleet.json is (it exists while the site is up). */
export function siteJsonPath(name: string = DEFAULT_SITE): string {
  return fleetFile(stateDirOf(name));
}

/** Environment for the runtime to reach this site. */
export function runtimeEnv(fleet: LocalSite): { CONSUL_HTTP_ADDR: string; DCP_TLS_DIR: string } {
  return { CONSUL_HTTP_ADDR: fleet.consulHttp, DCP_TLS_DIR: fleet.tlsDir };
}
