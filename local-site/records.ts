/**
 * What is recorded of hosts added to a site one at a time (added-hosts.ts): each host's
 * identity in `<state dir>/hosts/<node>/host.json`, and the generation last created of
 * each node in the ledger (layout.ts generationsDir), which tells a later synth whether
 * the host it created is still there. Reading is synchronous and needs no root: synth reads it.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { generationsDir, hostRecordFile, hostSlot, hostStateDir } from "./layout";
import { readPid } from "./system";
import { LocalSite, LocalSiteHost, LocalSiteTarget } from "./types";

/** What synth needs to know of each node ever added: its last generation and whether it is up now. */
export type LedgerEntry = LocalSiteTarget["ledger"][string];

type SiteDirs = Pick<LocalSite, "name" | "stateDir">;

export function readRecord(site: SiteDirs, node: string): LocalSiteHost | undefined {
  const file = hostRecordFile(site, node);
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as LocalSiteHost) : undefined;
}

/** Hosts of the site added on their own, by slot order. */
export function addedHosts(site: SiteDirs): LocalSiteHost[] {
  const dir = join(site.stateDir, "hosts");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((node) => readRecord(site, node))
    .filter((h): h is LocalSiteHost => h !== undefined)
    .sort((a, b) => hostSlot(site.name, a.node)! - hostSlot(site.name, b.node)!);
}

/**
 * Every node of the site that was ever added on its own, with the generation last created
 * and whether it runs now (its namespace exists and its dockerd and Consul agent are alive).
 * Synchronous and without root: synth calls it.
 */
export function hostLedger(site: SiteDirs): Record<string, LedgerEntry> {
  const dir = generationsDir(site.name);
  if (!existsSync(dir)) return {};
  const ledger: Record<string, LedgerEntry> = {};
  for (const node of readdirSync(dir)) {
    const generation = Number(readFileSync(join(dir, node), "utf8").trim());
    if (!Number.isInteger(generation)) continue;
    const state = hostStateDir(site, node);
    const live =
      readRecord(site, node)?.generation === generation &&
      existsSync(`/var/run/netns/${node}`) &&
      readPid(join(state, "docker.pid")) !== null &&
      readPid(join(state, "consul.pid")) !== null;
    ledger[node] = { generation, live };
  }
  return ledger;
}
