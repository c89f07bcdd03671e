/**
 * `dcp status`: exit 0 when the local fleet is up and healthy and its entry tier follows
 * dcp's upstreams, else 1 with what is wrong.
 */
import { join } from "node:path";
import { Command } from "commander";
import { EXIT } from "../../model/errors";
import { localSiteTarget, readSite, siteStatus } from "../../local-site";
import { FleetStatus } from "../../local-site/types";
import { synthesize } from "../../constructs/synthesize";
import { planFromLive } from "../../runtime";
import { ConsulClient, consulConfigFromEnv } from "../../runtime/consul/client";
import { checkEntryTier, EntryContainerStatus } from "../../runtime/discovery/entry-tier";
import { PROJECT_DIR } from "./up";

/** The entry tier of the example pools on this fleet: each entry container's health and routes. */
async function entryTier(name: string): Promise<EntryContainerStatus[]> {
  const fleet = readSite(name);
  const { desired } = await synthesize(PROJECT_DIR, { profile: "local", localSite: localSiteTarget(name, join(PROJECT_DIR, "cdktf.out")) });
  const consul = new ConsulClient(consulConfigFromEnv({ address: fleet.consulHttp }));
  try {
    const { inventory } = await planFromLive(desired, { consul, tlsDir: fleet.tlsDir, profile: "local" });
    return await checkEntryTier(desired.pools, inventory);
  } finally {
    consul.close();
  }
}

function print(status: FleetStatus, entry: EntryContainerStatus[] | undefined): void {
  const mark = (ok: boolean) => (ok ? "ok" : "FAIL");
  console.log(`consul server   leader ${status.consulLeader ?? "none"}`);
  console.log(`registry        images ${mark(status.registry)}`);
  for (const h of status.hosts) {
    console.log(`${h.node.padEnd(14)} ${h.ip.padEnd(15)} catalog ${mark(h.inCatalog && h.serfHealthy)}  init ${mark(h.initReady)}  docker-tls ${mark(h.dockerTls)}`);
  }
  if (entry && entry.length === 0) console.log("entry tier      not deployed (bin/dcp up deploys it)");
  for (const e of entry ?? []) console.log(`entry tier      ${e.pool} on ${e.node} ${e.url}  routes ${mark(e.problems.length === 0)}`);
  console.log(status.healthy ? `fleet ${status.name}: healthy` : `fleet ${status.name}: NOT healthy`);
  for (const p of status.problems) console.log(`  - ${p}`);
}

export function register(program: Command): void {
  program
    .command("status")
    .description("check the local fleet: Consul server, registry, per host catalog, init status and Docker over TLS, and the entry tier")
    .option("--name <name>", "fleet name", "dcp")
    .option("--quiet", "print nothing; only the exit code")
    .option("--json", "print the status as JSON")
    .action(async (opts) => {
      const status = await siteStatus(opts.name);
      const entry = status.healthy ? await entryTier(opts.name) : undefined;
      for (const e of entry ?? []) status.problems.push(...e.problems.map((p) => `entry tier ${e.pool} on ${e.node}: ${p}`));
      status.healthy = status.problems.length === 0;
      if (opts.json) console.log(JSON.stringify({ ...status, entryTier: entry ?? [] }, null, 2));
      else if (!opts.quiet) print(status, entry);
      process.exitCode = status.healthy ? EXIT.ok : EXIT.error;
    });
}
