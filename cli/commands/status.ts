/** `dcp status`: exit 0 when the local fleet is up and healthy, else 1 with what is wrong. */
import { Command } from "commander";
import { EXIT } from "../../model/errors";
import { siteStatus } from "../../local-site";

export function register(program: Command): void {
  program
    .command("status")
    .description("check the local fleet: Consul server, registry, and per host catalog, init status and Docker over TLS")
    .option("--name <name>", "fleet name", "dcp")
    .option("--quiet", "print nothing; only the exit code")
    .option("--json", "print the status as JSON")
    .action(async (opts) => {
      const status = await siteStatus(opts.name);
      if (opts.json) {
        console.log(JSON.stringify(status, null, 2));
      } else if (!opts.quiet) {
        const mark = (ok: boolean) => (ok ? "ok" : "FAIL");
        console.log(`consul server   leader ${status.consulLeader ?? "none"}`);
        console.log(`registry        demo images ${mark(status.registry)}`);
        for (const h of status.hosts) {
          console.log(
            `${h.node.padEnd(14)} ${h.ip.padEnd(15)} catalog ${mark(h.inCatalog && h.serfHealthy)}  init ${mark(h.initReady)}  docker-tls ${mark(h.dockerTls)}`,
          );
        }
        console.log(status.healthy ? `fleet ${status.name}: healthy` : `fleet ${status.name}: NOT healthy`);
        for (const p of status.problems) console.log(`  - ${p}`);
      }
      process.exitCode = status.healthy ? EXIT.ok : EXIT.error;
    });
}
