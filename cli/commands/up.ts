/** `dcp up`: creates (or repairs) the local fleet and, unless --no-deploy, deploys the example pools onto it. */
import { Command, InvalidArgumentError } from "commander";
import { fleetUp, LocalFleet } from "../../fleet/local";

function int(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError("must be a whole number");
  return n;
}

function summary(fleet: LocalFleet): string {
  const lines = [
    `fleet ${fleet.name} is up: ${fleet.hosts.length} hosts on ${fleet.bridge} (${fleet.subnet})`,
    ...fleet.hosts.map((h) => `  ${h.node.padEnd(14)} ${h.ip.padEnd(15)} ${h.idc}/${h.zone} ${h.cpu} cpu ${h.memoryMiB} MiB`),
    `Consul:   ${fleet.consulHttp} (DNS ${fleet.consulDns})`,
    `registry: ${fleet.registry} (plain HTTP, reachable from this machine's fleet only), image ${fleet.image}`,
    `runtime:  export CONSUL_HTTP_ADDR=${fleet.consulHttp} DCP_TLS_DIR=${fleet.tlsDir}`,
  ];
  return lines.join("\n");
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
    .option("--no-deploy", "only create the hosts; do not deploy the example pools")
    .action(async (opts) => {
      const fleet = await fleetUp({
        name: opts.name,
        hosts: opts.hosts,
        subnet: opts.subnet,
        hostCpu: opts.hostCpu,
        hostMemoryMiB: opts.hostMemoryMib,
        consulHttpPort: opts.consulHttpPort,
        consulDnsPort: opts.consulDnsPort,
      });
      console.log(summary(fleet));
    });
}
