/**
 * `dcp status`: exit 0 when the local fleet is up and healthy, else 1 with what is wrong.
 * It also shows the controller: its leader, lag, last decisions and its own metrics.
 */
import { Command } from "commander";
import { EXIT } from "../../model/errors";
import { readSite, siteStatus } from "../../local-site";
import { formatDecision } from "../../runtime/autoscale/decision";
import { ConsulClient, consulConfigFromEnv } from "../../runtime/consul/client";
import { controllerReport, ControllerReport } from "../../runtime/controller/report";

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

export function register(program: Command): void {
  program
    .command("status")
    .description("check the local fleet: Consul server, registry, per host catalog, init status and Docker over TLS; and the controller")
    .option("--name <name>", "fleet name", "dcp")
    .option("--quiet", "print nothing; only the exit code")
    .option("--json", "print the status as JSON")
    .action(async (opts) => {
      const status = await siteStatus(opts.name);
      const controller = await controllerOf(opts.name);
      if (opts.json) {
        console.log(JSON.stringify({ ...status, controller: controller ?? null }, null, 2));
      } else if (!opts.quiet) {
        const mark = (ok: boolean) => (ok ? "ok" : "FAIL");
        console.log(`consul server   leader ${status.consulLeader ?? "none"}`);
        console.log(`registry        demo images ${mark(status.registry)}`);
        for (const h of status.hosts) {
          console.log(
            `${h.node.padEnd(14)} ${h.ip.padEnd(15)} catalog ${mark(h.inCatalog && h.serfHealthy)}  init ${mark(h.initReady)}  docker-tls ${mark(h.dockerTls)}`,
          );
        }
        for (const line of renderController(controller)) console.log(line);
        console.log(status.healthy ? `fleet ${status.name}: healthy` : `fleet ${status.name}: NOT healthy`);
        for (const p of status.problems) console.log(`  - ${p}`);
      }
      process.exitCode = status.healthy ? EXIT.ok : EXIT.error;
    });
}
