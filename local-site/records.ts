/**
 * What is known of the hosts added to a site one at a time (added-hosts.ts): each host's
 * identity in `<state dir>/hosts/<node>/host.json`, written before anything of it exists,
 * and what Terraform believes it made — the `terraform_data.host` instances in the local
 * profile's state files. Together they tell a synth whether a host Terraform made still
 * runs: a `terraform_data` has nothing to refresh, so this is the local profile's refresh.
 * Reading is synchronous and needs no root: synth reads it.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { hostRecordFile, hostSlot, hostStateDir } from "./layout";
import { readPid } from "./system";
import { LocalHost, LocalSite, LocalSiteHost, LocalSiteTarget } from "./types";

/** What synth needs to know of each node: the generation Terraform made (or the site runs), and whether it is up now. */
export type LedgerEntry = LocalSiteTarget["ledger"][string];

type SiteDirs = Pick<LocalSite, "name" | "stateDir">;

export function readRecord(site: Pick<LocalSite, "stateDir">, node: string): LocalSiteHost | undefined {
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

/** A terraform_data instance as a state file (format 4) keeps it; only what is read here. */
interface StateInstance {
  index_key?: string;
  deposed?: string;
  attributes?: { input?: { value?: Partial<LocalHost> & { site?: string } } };
}

/** A `terraform_data.host` input (it names the site too) as the host it describes. */
export function hostOfInput(input: Partial<LocalHost> & { site?: string }, node: string): LocalHost {
  const { site: _site, ...host } = input;
  return { ...(host as LocalHost), node };
}

/** A host of the site as a stack's Terraform state has it. */
export interface TerraformHost {
  /** The stack whose state holds it (a directory under `<outDir>/stacks/`). */
  stack: string;
  host: LocalHost;
}

/**
 * The site's hosts in Terraform's state files under `<outDir>/stacks/<stack>/` (where
 * `cdktf deploy` keeps them): the current (not deposed) instances of `terraform_data.host`
 * whose input names the site. A state that cannot be read counts as none: the hosts are
 * then made again, which `dcp host add` makes harmless.
 */
export function terraformHosts(site: string, outDir: string): TerraformHost[] {
  const found: TerraformHost[] = [];
  const stacks = join(outDir, "stacks");
  if (!existsSync(stacks)) return found;
  for (const stack of readdirSync(stacks)) {
    const dir = join(stacks, stack);
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".tfstate"))) {
      let state: { resources?: Array<{ mode: string; type: string; name: string; instances: StateInstance[] }> };
      try {
        state = JSON.parse(readFileSync(join(dir, file), "utf8"));
      } catch {
        continue;
      }
      for (const r of state.resources ?? []) {
        if (r.mode !== "managed" || r.type !== "terraform_data" || r.name !== "host") continue;
        for (const i of r.instances) {
          const input = i.attributes?.input?.value;
          if (i.deposed || typeof i.index_key !== "string" || input?.site !== site || !Number.isInteger(input.generation)) continue;
          found.push({ stack, host: hostOfInput(input, i.index_key) });
        }
      }
    }
  }
  return found;
}

/** Its namespace exists and its dockerd and Consul agent are alive. */
function runs(site: SiteDirs, node: string): boolean {
  const state = hostStateDir(site, node);
  return existsSync(`/var/run/netns/${node}`) && readPid(join(state, "docker.pid")) !== null && readPid(join(state, "consul.pid")) !== null;
}

/**
 * A node's generation: the ledger's when that host still runs; one more when it went away
 * (removed by hand, `dcp down`), so Terraform replaces its resource and the host is made
 * again; 0 for a node never made.
 */
export function generationOf(entry: LedgerEntry | undefined): number {
  if (!entry) return 0;
  return entry.live ? entry.generation : entry.generation + 1;
}

/**
 * Every node Terraform made for the site (its state under `outDir`) or the site runs on its
 * own: the generation, and whether that very generation is up now.
 */
export function hostLedger(site: SiteDirs, outDir: string): Record<string, LedgerEntry> {
  const ledger: Record<string, LedgerEntry> = {};
  const recorded = new Map(addedHosts(site).map((h) => [h.node, h.generation]));
  for (const { host: { node, generation } } of terraformHosts(site.name, outDir)) {
    ledger[node] = { generation, live: recorded.get(node) === generation && runs(site, node) };
  }
  // Made by a deploy that was killed before Terraform recorded it: keep it if it runs.
  for (const [node, generation] of recorded) {
    if (!(node in ledger) && generation !== undefined && runs(site, node)) ledger[node] = { generation, live: true };
  }
  return ledger;
}
