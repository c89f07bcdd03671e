/**
 * `dcp cost`: what the live fleet costs now, by pool, owner and fleet, and what it has
 * cost since its hosts joined. Without a reachable Consul it reports the desired state's
 * cost and says so.
 */
import { Command, Option } from "commander";
import { costOfInventory, desiredAsLive, LiveCost } from "../../cost/live";
import { costOfDesired } from "../../cost/model";
import { EXAMPLE_PRICES_FILE, loadPrices } from "../../cost/prices";
import { costReport } from "../../cost/report";
import { renderOutput } from "../../output";
import { ConsulClient, consulConfigFromEnv } from "../../runtime/consul/client";
import { DockerHosts } from "../../runtime/docker/hosts";
import { readInventory } from "../../runtime/inventory/read";
import { DcpError } from "../../model/errors";
import { readDesiredFile, synthesizeProject } from "../runtime-input";
import { Profile } from "../../model/profile";

interface CostCliOptions {
  profile: Profile;
  desired?: string;
  prices: string;
  json?: boolean;
  markdown?: boolean;
  insecureDocker?: boolean;
}

export function register(program: Command): void {
  program
    .command("cost")
    .description("cost of the live fleet by pool, owner and fleet (the desired state's cost when Consul is unreachable)")
    .addOption(new Option("--profile <profile>", "profile the project is synthesized for (owners, fleets, charge types)").choices(["cloud", "local"]).default("cloud"))
    .option("--desired <file>", "a DesiredState JSON file instead of synthesizing the project")
    .addOption(new Option("--prices <file>", "price table (YAML)").default(EXAMPLE_PRICES_FILE, "cost/prices.example.yaml, example prices"))
    .addOption(new Option("--json", "JSON output").conflicts("markdown"))
    .option("--markdown", "Markdown output")
    .option("--insecure-docker", "allow plain tcp:// to non-loopback Docker daemons")
    .action(async (options: CostCliOptions) => {
      const prices = loadPrices(options.prices);
      const desired = options.desired ? readDesiredFile(options.desired) : (await synthesizeProject(options.profile)).desired;
      const consul = new ConsulClient(consulConfigFromEnv({ retryForMs: 2_000 }));
      let cost: LiveCost;
      try {
        await consul.ping();
        cost = costOfInventory(await readInventory(consul, new DockerHosts({ insecureDocker: options.insecureDocker })), desired, prices, options.prices);
      } catch (err) {
        if (!(err instanceof DcpError)) throw err;
        cost = desiredAsLive(costOfDesired(desired, prices), options.prices, new Date(), err.message);
      } finally {
        consul.close();
      }
      process.stdout.write(renderOutput(options, { json: cost, report: () => costReport(cost) }));
    });
}
