/**
 * `dcp controller`: the long-running process that keeps pools healthy and sized between
 * deploys (runtime/controller/). Run one or more per Consul datacenter: one leads, the
 * others stand by. Stops on SIGTERM or SIGINT, resigning leadership so a stand-by takes
 * over at once.
 */
import { rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { resolve } from "node:path";
import { Command, Option } from "commander";
import { DcpError } from "../../model/errors";
import { Profile } from "../../model/profile";
import { ConsulClient, consulConfigFromEnv } from "../../runtime/consul/client";
import { Controller, ControllerOptions } from "../../runtime/controller/controller";
import { DEFAULT_SITE, LocalSiteCapacity, stateDirOf } from "../../local-site";

interface ControllerCliOptions {
  profile: Profile;
  interval: string;
  resync: string;
  lease: string;
  listen: string;
  name?: string;
  insecureDocker?: boolean;
  pidFile?: string;
  site: string;
  project: string;
}

function seconds(value: string, flag: string, min: number): number {
  const n = Number(value.replace(/s$/, ""));
  if (!Number.isFinite(n) || n < min) throw new DcpError(`${flag} ${value}: must be a number of seconds >= ${min}`);
  return n;
}

/** The local site's hosts are not ESS groups: a refill adds hosts through the site's own Terraform. */
function localCapacity(options: ControllerCliOptions): Pick<ControllerOptions, "capacity" | "addedHosts"> {
  const local = new LocalSiteCapacity({ name: options.site, stateDir: stateDirOf(options.site) }, resolve(options.project), (line) => process.stderr.write(`${line}\n`));
  return { capacity: (fleet, idc) => local.of(fleet, idc), addedHosts: () => local.added() };
}

export function register(program: Command): void {
  program
    .command("controller")
    .description("keep pools healthy and sized between deploys: self-healing and autoscaling, one leader per Consul datacenter")
    .addOption(new Option("--profile <profile>", "profile of the deployed pools (local: CPU limits scaled to this machine)").choices(["cloud", "local"]).default("cloud"))
    .option("--interval <seconds>", "seconds between metric readings and autoscale steps", "2")
    .option("--resync <seconds>", "seconds between full passes when nothing changes", "30")
    .option("--lease <seconds>", "leadership session TTL: a killed leader is replaced within about twice this", "10")
    .option("--listen <host:port>", "where /metrics and /healthz are served (\"\" for nowhere)", "127.0.0.1:9464")
    .option("--name <name>", "this instance's name in the lock (default user@host pid)")
    .option("--insecure-docker", "allow plain tcp:// Docker endpoints that are not loopback")
    .option("--pid-file <file>", "write this process's pid there while it runs (dcp up starts the local site's controller so)")
    .option("--site <name>", "local profile: the site whose buffers are refilled through its Terraform", process.env.DCP_SITE || DEFAULT_SITE)
    .option("--project <dir>", "local profile: the project whose cdktf deploy made the site's hosts (its cdktf.out holds their Terraform)", process.cwd())
    .action(async (options: ControllerCliOptions) => {
      const consul = new ConsulClient(consulConfigFromEnv());
      await consul.ping();
      const controller = new Controller({
        consul,
        holder: options.name ?? `${process.env.USER ?? "root"}@${hostname()} pid ${process.pid}`,
        profile: options.profile,
        intervalSeconds: seconds(options.interval, "--interval", 0.2),
        resyncSeconds: seconds(options.resync, "--resync", 1),
        leaseSeconds: seconds(options.lease, "--lease", 10),
        listen: options.listen,
        insecureDocker: options.insecureDocker,
        ...(options.profile === "local" ? localCapacity(options) : {}),
        log: (line) => process.stderr.write(`${line}\n`),
      });
      await controller.start();
      if (options.pidFile) writeFileSync(options.pidFile, `${process.pid}\n`);
      process.stderr.write(`dcp controller ${options.name ?? ""} started${controller.metricsUrl ? `; metrics at ${controller.metricsUrl}` : ""}\n`);
      await new Promise<void>((resolve) => {
        process.once("SIGTERM", resolve);
        process.once("SIGINT", resolve);
      });
      process.stderr.write("dcp controller stopping: resigning leadership\n");
      await controller.stop();
      consul.close();
      if (options.pidFile) rmSync(options.pidFile, { force: true });
    });
}
