/**
 * `dcp up`: makes (or repairs) the local site's base and deploys the example pools onto it
 * through `cdktf deploy` with the local profile: Terraform creates the hosts the pools need,
 * then runs the runtime. `--no-deploy` makes the base with a fixed set of hosts instead
 * (`--hosts`, for the fleet tests and benchmarks).
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import Table from "cli-table3";
import { siteUp, startSiteController, LocalSite, localSiteTarget, readSite } from "../../local-site";
import { synthesize } from "../../constructs/synthesize";
import { planFromLive } from "../../runtime";
import { ConsulClient, consulConfigFromEnv } from "../../runtime/consul/client";
import { Inventory } from "../../model/inventory";
import { DesiredState } from "../../model/desired-state";
import { DcpError } from "../../model/errors";

/** The example project this checkout carries (stacks/ and stacks/pools/). */
export const PROJECT_DIR = join(__dirname, "..", "..");

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

/**
 * The one request a user tries first: through the entry tier to the first upstream it
 * follows (feed_api), sent here so the summary shows its answer, not only the command.
 */
async function throughEntryTier(desired: DesiredState, inventory: Inventory): Promise<string> {
  const entry = desired.pools.find((p) => p.follows);
  const upstream = entry?.follows?.upstreams[0];
  const host = inventory.hosts.find((h) => (h.containers ?? []).some((c) => c.pool === entry?.name && c.running));
  const container = host?.containers!.find((c) => c.pool === entry?.name && c.running);
  if (!entry || !upstream || !host || !container) return "entry tier: no entry container runs; see `dcp status`";
  const url = `http://${host.address}:${container.ports[0]}/`;
  const answer = await fetch(url, { headers: { host: upstream }, signal: AbortSignal.timeout(5000) })
    .then(async (r) => `${r.status} ${(await r.text()).split("\n")[0]}`)
    .catch((err: Error) => `failed: ${err.message}`);
  return `through the entry tier (${entry.name} → ${upstream}):\n  curl -H 'Host: ${upstream}' ${url}\n  → ${answer}`;
}

/** `DCP_PROFILE=local cdktf deploy --auto-approve` in the project, onto this site: what a cdktf user runs. */
function cdktfDeploy(site: string): Promise<void> {
  const cdktf = join(PROJECT_DIR, "node_modules", ".bin", "cdktf");
  const env = { ...process.env, DCP_PROFILE: "local", DCP_SITE: site, CHECKPOINT_DISABLE: "1" };
  return new Promise((resolve, reject) => {
    const child = spawn(cdktf, ["deploy", "--auto-approve"], { cwd: PROJECT_DIR, env, stdio: "inherit" });
    child.on("error", reject);
    child.on("exit", (code, signal) =>
      code === 0 ? resolve() : reject(new DcpError(`cdktf deploy failed (${signal ?? `exit ${code}`}); its output above says where; run \`bin/dcp up\` again once fixed`)),
    );
  });
}

/** Deploys the example pools through cdktf, then reads back what runs. */
async function deploy(name: string): Promise<string> {
  await cdktfDeploy(name);
  const fleet = readSite(name);
  const { desired } = await synthesize(PROJECT_DIR, { profile: "local", localSite: localSiteTarget(name, join(PROJECT_DIR, "cdktf.out")) });
  const consul = new ConsulClient(consulConfigFromEnv({ address: fleet.consulHttp }));
  try {
    const { inventory, plan } = await planFromLive(desired, { consul, tlsDir: fleet.tlsDir, profile: "local" });
    if (plan.changes.length > 0) console.log(`warning: ${plan.changes.length} change(s) still pending after the deploy; run \`bin/dcp up\` again`);
    const containers = inventory.hosts.reduce((n, h) => n + (h.containers ?? []).length, 0);
    const deployed = `deployed the example pools (profile local) through cdktf deploy: ${fleet.hosts.length} hosts, ${containers} containers`;
    return `${summary(fleet)}\n${deployed}\n${deploymentSummary(fleet, desired, inventory)}\n${await throughEntryTier(desired, inventory)}`;
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
    .option("--hosts <n>", "with --no-deploy: hosts made with the base, h1-h2 in yf-private, the rest in aliyun-bj (default 6)", int)
    .option("--subnet <cidr>", "the fleet's /24 (default 192.168.77.0/24; dcptest 192.168.79.0/24)")
    .option("--host-cpu <n>", "host class cpu for every host (default 32 private, 16 cloud; dcptest 128)", int)
    .option("--host-memory-mib <n>", "host class memory for every host (default 65536 private, 32768 cloud; dcptest 262144)", int)
    .option("--consul-http-port <port>", "Consul server HTTP port on 127.0.0.1 (default 8500; dcptest 8510)", int)
    .option("--consul-dns-port <port>", "Consul server DNS port on 127.0.0.1 (default 8600; dcptest 8610)", int)
    .option("--no-deploy", "make the base and a fixed set of hosts (--hosts); do not deploy the example pools (nor start the controller)")
    .option("--no-controller", "deploy, but do not start the site's controller")
    .action(async (opts) => {
      if (opts.deploy && opts.hosts !== undefined) {
        throw new DcpError("--hosts goes with --no-deploy: a deployed site gets the hosts its pools need (Terraform adds them)");
      }
      const fleet = await siteUp({
        name: opts.name,
        hosts: opts.deploy ? 0 : opts.hosts,
        subnet: opts.subnet,
        hostCpu: opts.hostCpu,
        hostMemoryMiB: opts.hostMemoryMib,
        consulHttpPort: opts.consulHttpPort,
        consulDnsPort: opts.consulDnsPort,
      });
      if (!opts.deploy) {
        console.log(summary(fleet));
        return;
      }
      console.log(await deploy(fleet.name));
      if (opts.controller) {
        const c = await startSiteController(readSite(fleet.name), PROJECT_DIR);
        console.log(`controller: ${c.started ? "started" : "already running"} (pid ${c.pid}, log ${c.log}); \`dcp status --name ${fleet.name}\` shows it`);
      }
    });
}
