/**
 * `dcp status`: exit 0 when the local fleet is up and healthy and its entry tier follows
 * dcp's upstreams, else 1 with what is wrong. It also shows the controller: its leader,
 * lag, last decisions and its own metrics.
 */
import { join } from "node:path";
import { Command } from "commander";
import { EXIT } from "../../model/errors";
import { localSiteTarget, readSite, siteStatus } from "../../local-site";
import { FleetStatus } from "../../local-site/types";
import { synthesize } from "../../constructs/synthesize";
import { planFromLive } from "../../runtime";
import { formatDecision } from "../../runtime/autoscale/decision";
import { ConsulClient, consulConfigFromEnv } from "../../runtime/consul/client";
import { controllerReport, ControllerReport } from "../../runtime/controller/report";
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

/** The controller as the fleet's Consul knows it; undefined when the fleet is not up. */
async function controllerOf(name: string): Promise<ControllerReport | undefined> {
  let address: string;
  try {
    address = readSite(name).consulHttp;
  } catch {
    return undefined;
  }
  const consul = new ConsulClient(consulConfigFromEnv({ address, retryForMs: 3_000 }));
  try {
    return await controllerReport(consul);
  } catch {
    return undefined;
  } finally {
    consul.close();
  }
}

export function renderController(report: ControllerReport | undefined): string[] {
  if (!report?.leader) return ["controller      none leading (start one with `dcp controller`)"];
  const l = report.leader;
  const lines = [`controller      leader ${l.holder} (pid ${l.pid} on ${l.host}${l.since ? `, since ${l.since}` : ""})`];
  if (report.lagSeconds !== undefined) lines.push(`                last pass ${report.lagSeconds} s ago${report.status?.lastReaction ? `; last reaction ${report.status.lastReaction.seconds.toFixed(1)} s after ${report.status.lastReaction.trigger}` : ""}`);
  if (report.metrics) {
    const m = report.metrics;
    lines.push(`                metrics ${l.metricsUrl}: decisions ${m.decisions}, reactions ${m.reactions}${m.meanReactionSeconds !== undefined ? ` (mean ${m.meanReactionSeconds} s)` : ""}, errors ${m.errors}, lag ${m.lagSeconds} s`);
  } else if (report.metricsError) lines.push(`                metrics: ${report.metricsError}`);
  for (const p of (report.status?.pools ?? []).filter((p) => p.max !== undefined)) {
    lines.push(`                ${p.pool}: ${p.running}/${p.desired} running within [${p.min}, ${p.max}]${p.metric !== undefined ? `, ${p.metric}/container against target ${p.target}` : ""}`);
  }
  for (const d of report.decisions) lines.push(`  decision ${formatDecision(d)}`);
  return lines;
}

function print(status: FleetStatus, entry: EntryContainerStatus[] | undefined, controller: ControllerReport | undefined): void {
  const mark = (ok: boolean) => (ok ? "ok" : "FAIL");
  console.log(`consul server   leader ${status.consulLeader ?? "none"}`);
  console.log(`registry        images ${mark(status.registry)}`);
  for (const h of status.hosts) {
    console.log(`${h.node.padEnd(14)} ${h.ip.padEnd(15)} catalog ${mark(h.inCatalog && h.serfHealthy)}  init ${mark(h.initReady)}  docker-tls ${mark(h.dockerTls)}`);
  }
  if (entry && entry.length === 0) console.log("entry tier      not deployed (bin/dcp up deploys it)");
  for (const e of entry ?? []) console.log(`entry tier      ${e.pool} on ${e.node} ${e.url}  routes ${mark(e.problems.length === 0)}`);
  for (const line of renderController(controller)) console.log(line);
  console.log(status.healthy ? `fleet ${status.name}: healthy` : `fleet ${status.name}: NOT healthy`);
  for (const p of status.problems) console.log(`  - ${p}`);
}

export function register(program: Command): void {
  program
    .command("status")
    .description("check the local fleet: Consul server, registry, per host catalog, init status and Docker over TLS, the entry tier; and the controller")
    .option("--name <name>", "fleet name", "dcp")
    .option("--quiet", "print nothing; only the exit code")
    .option("--json", "print the status as JSON")
    .action(async (opts) => {
      const status = await siteStatus(opts.name);
      const entry = status.healthy ? await entryTier(opts.name) : undefined;
      for (const e of entry ?? []) status.problems.push(...e.problems.map((p) => `entry tier ${e.pool} on ${e.node}: ${p}`));
      status.healthy = status.problems.length === 0;
      const controller = await controllerOf(opts.name);
      if (opts.json) console.log(JSON.stringify({ ...status, entryTier: entry ?? [], controller: controller ?? null }, null, 2));
      else if (!opts.quiet) print(status, entry, controller);
      process.exitCode = status.healthy ? EXIT.ok : EXIT.error;
    });
}
