/**
 * The local fleet's own speed: creating 6 hosts from nothing, `up` on a healthy fleet,
 * repairing a host whose namespace and daemons were lost, and `down`. Uses its own fleet
 * (dcpbench, 192.168.76.0/24) so that it never disturbs dcp or dcptest. Needs root.
 */
import { execFileSync } from "node:child_process";
import { Benchmark, Figure } from "./harness";
import { siteDown, siteStatus, siteUp, SiteUpOptions } from "../local-site";

const OPTIONS: SiteUpOptions = {
  name: "dcpbench",
  hosts: 6,
  subnet: "192.168.76.0/24",
  consulHttpPort: 8530,
  consulDnsPort: 8630,
  log: () => undefined,
};

async function seconds(work: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

const bench: Benchmark = {
  name: "fleet",
  needsFleet: false,
  async run(): Promise<Figure[]> {
    await siteDown(OPTIONS.name);
    try {
      const up = await seconds(() => siteUp(OPTIONS));
      const again = await seconds(() => siteUp(OPTIONS));
      // A lost host: its namespace (and with it every process inside) is gone.
      const victim = `${OPTIONS.name}-h3`;
      for (const pid of execFileSync("ip", ["netns", "pids", victim], { encoding: "utf8" }).split("\n").filter(Boolean)) {
        process.kill(Number(pid), "SIGKILL");
      }
      execFileSync("ip", ["netns", "del", victim]);
      const repair = await seconds(() => siteUp(OPTIONS));
      if (!(await siteStatus(OPTIONS.name)).healthy) throw new Error("fleet not healthy after repair");
      const down = await seconds(() => siteDown(OPTIONS.name));
      return [
        { name: "fleet.up.6-hosts.seconds", value: up, unit: "s", target: { op: "<=", value: 60 }, note: "from nothing, incl. registry and demo image push" },
        { name: "fleet.up.healthy.seconds", value: again, unit: "s", target: { op: "<=", value: 5 }, note: "nothing to do" },
        { name: "fleet.up.repair-lost-host.seconds", value: repair, unit: "s", target: { op: "<=", value: 30 } },
        { name: "fleet.down.seconds", value: down, unit: "s", target: { op: "<=", value: 30 } },
      ];
    } finally {
      await siteDown(OPTIONS.name);
    }
  },
};

export default bench;
