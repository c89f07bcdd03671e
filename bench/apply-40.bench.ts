/**
 * 600 containers over 40 real hosts: `dcp apply` against bare dockerode at the same
 * parallelism, three rounds in ABBA order (see apply-rounds.ts), on a site of its own
 * (dcpbench40, 192.168.75.0/24) that it brings up (the kernel's neighbour-table limits
 * raised for 40 hosts) and takes down again. Needs root.
 */
import { runtimeEnv, siteDown, siteUp } from "../local-site";
import { ConsulClient, consulConfigFromEnv } from "../runtime/consul/client";
import { applyAgainstBare } from "./apply-rounds";
import { Benchmark, Figure } from "./harness";

const SITE = { name: "dcpbench40", hosts: 40, subnet: "192.168.75.0/24", consulHttpPort: 8535, consulDnsPort: 8635, hostCpu: 128, hostMemoryMiB: 262144 };

const bench: Benchmark = {
  name: "apply-40",
  needsFleet: false,
  async run(): Promise<Figure[]> {
    const log = (line: string) => process.stderr.write(`${line}\n`);
    await siteDown(SITE.name);
    try {
      const t0 = Date.now();
      const fleet = await siteUp({ ...SITE, log });
      const upSeconds = (Date.now() - t0) / 1000;
      Object.assign(process.env, runtimeEnv(fleet));
      const consul = new ConsulClient(consulConfigFromEnv({ address: fleet.consulHttp }));
      try {
        const figures = await applyAgainstBare({ prefix: "apply-40", fleet, consul, containers: 600, rounds: 3, parallel: 16, perHost: 8 });
        return [{ name: "apply-40.site-up.seconds", value: upSeconds, unit: "s", note: "dcp up of the 40 hosts from nothing, for context" }, ...figures];
      } finally {
        consul.close();
      }
    } finally {
      await siteDown(SITE.name, log);
    }
  },
};

export default bench;
