/** `dcp up`: creates (or repairs) the local fleet and, unless --no-deploy, deploys the example pools onto it. */
import { join } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import Table from "cli-table3";
import { siteUp, startSiteController, LocalSite } from "../../local-site";
import { synthesize } from "../../constructs/synthesize";
import { applyDesired, planFromLive } from "../../runtime";
import { ConsulClient, consulConfigFromEnv } from "../../runtime/consul/client";
import { Inventory } from "../../model/inventory";
import { DesiredState } from "../../model/desired-state";

/** The example project this checkout carries (stacks/ and stacks/pools/). */
const PROJECT_DIR = join(__dirname, "..", "..");

function int(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError("must be a whole number");
  return n;
}

function summary(fleet: LocalSite): string {
  const lines = [
    `fleet ${fleet.name} is up: ${fleet.hosts.length} hosts on ${fleet.bridge} (${fleet.subnet})`,
    ...fleet.hosts.map((h) => `  ${h.node.padEnd(14)} ${h.ip.padEnd(15)} ${h.idc}/${h.zone} ${h.cpu} cpu ${h.memoryMiB} MiB`),
    `Consul:   ${fleet.consulHttp} (DNS ${fleet.consulDns})`,
    `registry: ${fleet.registry} (plain HTTP, reachable from this machine's fleet only), image ${fleet.image}`,
    `runtime:  export CONSUL_HTTP_ADDR=${fleet.consulHttp} DCP_TLS_DIR=${fleet.tlsDir}`,
  ];
  return lines.join("\n");
}

/** Hosts, containers and upstream servers per pool, read back from the live fleet, and how to reach each service. */
function deploymentSummary(fleet: LocalSite, desired: DesiredState, inventory: Inventory): string {
  const table = new Table({ head: ["pool", "hosts", "containers", "upstream", "try"], style: { head: [], border: [] } });
  const dnsPort = fleet.consulDns.split(":")[1];
  for (const pool of desired.pools) {
    const placed = inventory.hosts.flatMap((h) => (h.containers ?? []).filter((c) => c.pool === pool.name).map((c) => ({ host: h, c })));
    const hosts = new Set(placed.map((p) => p.host.node));
    const servers = pool.upstream ? inventory.upstreams.filter((u) => u.upstream === pool.upstream!.name && !u.down) : [];
    const first = placed.find((p) => p.c.ports.length > 0);
    table.push([
      pool.name,
      String(hosts.size),
      `${placed.filter((p) => p.c.running).length}/${pool.effectiveReplicas}`,
      pool.upstream ? `${pool.upstream.name} (${servers.length} servers)` : "-",
      first ? `curl http://${first.host.address}:${first.c.ports[0]}/` : "-",
    ]);
  }
  const example = desired.pools[0]?.name ?? "feed-api";
  return [
    table.toString(),
    `DNS:       dig @127.0.0.1 -p ${dnsPort} ${example}.service.consul SRV`,
    `upstreams: curl ${fleet.consulHttp}/v1/kv/upstreams/?recurse`,
  ].join("\n");
}

/** Plans and applies the example pools (profile local) through the runtime, as `dcp apply` would. */
async function deploy(fleet: LocalSite): Promise<string> {
  const { desired } = await synthesize(PROJECT_DIR, { profile: "local", localImage: fleet.image });
  const consul = new ConsulClient(consulConfigFromEnv({ address: fleet.consulHttp }));
  const options = { consul, tlsDir: fleet.tlsDir, profile: "local" as const };
  try {
    const report = await applyDesired(desired, { ...options, waitLockSeconds: 60, progress: "lines" });
    console.log(`deployed the example pools (profile local): ${report.applied} change(s) in ${report.timings.totalSeconds.toFixed(1)} s`);
    const { inventory, plan } = await planFromLive(desired, options);
    if (plan.changes.length > 0) console.log(`warning: ${plan.changes.length} change(s) still pending after the apply; run \`dcp apply --profile local\``);
    return deploymentSummary(fleet, desired, inventory);
  } finally {
    consul.close();
  }
}

export function register(program: Command): void {
  program
    .command("up")
    .description("create the local fleet (root): hosts in network namespaces with dockerd (TLS) and Consul agents, a Consul server, a registry and the demo image")
    .option("--name <name>", "fleet name; every resource is named with it", "dcp")
    // Defaults depend on the name (the test fleet dcptest has its own subnet, ports and host class).
    .option("--hosts <n>", "number of hosts, h1-h2 in yf-private, the rest in aliyun-bj (default 6)", int)
    .option("--subnet <cidr>", "the fleet's /24 (default 192.168.77.0/24; dcptest 192.168.79.0/24)")
    .option("--host-cpu <n>", "host class cpu for every host (default 32 private, 16 cloud; dcptest 128)", int)
    .option("--host-memory-mib <n>", "host class memory for every host (default 65536 private, 32768 cloud; dcptest 262144)", int)
    .option("--consul-http-port <port>", "Consul server HTTP port on 127.0.0.1 (default 8500; dcptest 8510)", int)
    .option("--consul-dns-port <port>", "Consul server DNS port on 127.0.0.1 (default 8600; dcptest 8610)", int)
    .option("--no-deploy", "only create the hosts; do not deploy the example pools (nor start the controller)")
    .option("--no-controller", "deploy, but do not start the site's controller")
    .action(async (opts) => {
      const fleet = await siteUp({
        name: opts.name,
        hosts: opts.hosts,
        subnet: opts.subnet,
        hostCpu: opts.hostCpu,
        hostMemoryMiB: opts.hostMemoryMib,
        consulHttpPort: opts.consulHttpPort,
        consulDnsPort: opts.consulDnsPort,
      });
      console.log(summary(fleet));
      if (!opts.deploy) return;
      console.log(await deploy(fleet));
      if (opts.controller) {
        const c = await startSiteController(fleet);
        console.log(`controller: ${c.started ? "started" : "already running"} (pid ${c.pid}, log ${c.log}); \`dcp status --name ${fleet.name}\` shows it`);
      }
    });
}
