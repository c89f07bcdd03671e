/**
 * `dcp apply` (plan, create, start, wait for health, register, publish) against bare
 * dockerode create+start of the same image on the same daemons at the same parallelism,
 * on a real local site. Target: bare/dcp >= 0.9, i.e. everything dcp adds costs at most
 * about a tenth on top of what Docker itself needs.
 *
 * The daemons share two cores, so one run of either side varies by ±10%. The sides run in
 * ABBA order over several rounds (dcp, bare | bare, dcp | …) and the target is judged on
 * the median of the rounds' ratios, so drift in the machine's load cancels out.
 */
import pLimit from "p-limit";
import { LocalSite } from "../local-site";
import { CONTAINER_TYPES } from "../model/container-types";
import { applyDesired } from "../runtime";
import { ConsulClient } from "../runtime/consul/client";
import { cpuLimit } from "../runtime/docker/cpu-limit";
import { DockerHosts } from "../runtime/docker/hosts";
import { Figure, median } from "./harness";
import { assignAllHosts, benchDesired, benchPool, removePools, waitSettled } from "./runtime-support";

export interface ApplyRounds {
  /** Figure names start with this, e.g. "apply" or "apply-40". */
  prefix: string;
  /** The site; its runtime environment (CONSUL_HTTP_ADDR, DCP_TLS_DIR) must be set. */
  fleet: LocalSite;
  consul: ConsulClient;
  containers: number;
  rounds: number;
  parallel: number;
  perHost: number;
}

type Hosts = Array<{ node: string; dockerEndpoint: string }>;

/** How long the hosts may take to report every container of the last round gone: 40 daemons removing 600 on two cores take minutes. */
const SETTLE_MS = 300_000;

/**
 * Bare Docker: create+start with the same limits dcp uses (overall and per daemon), on the
 * hosts dcp placed its containers on (same number per daemon); returns seconds.
 */
async function bare(o: ApplyRounds, dockers: DockerHosts, placement: string[], nanoCpuLimit: number): Promise<number> {
  const overall = pLimit(o.parallel);
  const perHost = new Map(o.fleet.hosts.map((h) => [h.node, pLimit(o.perHost)]));
  const t0 = Date.now();
  await Promise.all(
    placement.map((node, i) => {
      const h = o.fleet.hosts.find((x) => x.node === node)!;
      const docker = dockers.get(h.node, h.dockerEndpoint).docker;
      const port = 28000 + i;
      return overall(() =>
        perHost.get(h.node)!(async () => {
          const c = await docker.createContainer({
            name: `bench-bare-${i}`,
            Image: o.fleet.image,
            Env: [`PORT=${port}`],
            Labels: { "bench.bare": "true" },
            // The same container as dcp makes, so the comparison measures dcp, not the container's settings.
            HostConfig: {
              NetworkMode: "host",
              Privileged: false,
              SecurityOpt: ["no-new-privileges"],
              NanoCpus: Math.round(nanoCpuLimit * 1e9),
              Memory: CONTAINER_TYPES.dP01.memoryMiB * 1024 * 1024,
              RestartPolicy: { Name: "unless-stopped" },
            },
          });
          await c.start();
        }),
      );
    }),
  );
  return (Date.now() - t0) / 1000;
}

async function removeBare(o: ApplyRounds, dockers: DockerHosts, hosts: Hosts): Promise<void> {
  const limit = pLimit(o.parallel);
  await Promise.all(
    hosts.map(async (h) => {
      const driver = dockers.get(h.node, h.dockerEndpoint);
      const list = await driver.docker.listContainers({ all: true, filters: { label: ["bench.bare=true"] } });
      await Promise.all(list.map((c) => limit(() => driver.remove(c.Id))));
    }),
  );
}

export async function applyAgainstBare(o: ApplyRounds): Promise<Figure[]> {
  const { fleet, consul } = o;
  const pool = benchPool(fleet, `bench-${o.prefix}`, o.containers);
  const dockers = new DockerHosts({ tlsDir: fleet.tlsDir });
  const hosts: Hosts = fleet.hosts.map((h) => ({ node: h.node, dockerEndpoint: h.dockerEndpoint }));
  await removePools(consul, [pool]);
  await Promise.all(hosts.map((h) => dockers.get(h.node, h.dockerEndpoint).ensureImage(fleet.image)));
  // Same CPU limit as dcp gives a dP01 on this host class (local profile).
  const limit = cpuLimit(CONTAINER_TYPES.dP01.cpu, fleet.hosts[0].cpu, { profile: "local" });
  await removeBare(o, dockers, hosts);

  let placement: string[] = [];
  const perNode = (nodes: string[]) => fleet.hosts.map((h) => `${h.node.replace(/^.*-/, "")}:${nodes.filter((n) => n === h.node).length}`).join(" ");
  let firstPerNode = "";
  const runDcp = async (): Promise<number> => {
    await waitSettled(consul, fleet, SETTLE_MS);
    // Scaling to zero gave the hosts back to the buffer; every round runs on all of them.
    await assignAllHosts(consul, fleet, [pool.name]);
    try {
      // The apply makes (and closes) its own Consul client from the site's environment, as `dcp apply` does.
      const report = await applyDesired(benchDesired([pool]), { profile: "local", progress: "quiet", parallel: o.parallel, perHost: o.perHost, waitLockSeconds: 120 });
      placement = report.plan.changes.filter((c) => c.kind === "create").map((c) => c.node);
      if (placement.length !== o.containers) throw new Error(`dcp apply created ${placement.length} containers, expected ${o.containers}`);
      const layout = perNode(placement);
      firstPerNode ||= layout;
      if (layout !== firstPerNode) throw new Error(`rounds placed differently (${firstPerNode} then ${layout}); their times would not compare`);
      return report.timings.totalSeconds;
    } finally {
      await removePools(consul, [pool]);
    }
  };
  const runBare = async (): Promise<number> => {
    await waitSettled(consul, fleet, SETTLE_MS);
    try {
      return await bare(o, dockers, placement, limit);
    } finally {
      await removeBare(o, dockers, hosts);
    }
  };
  // dcp goes first in the first round: bare uses the hosts dcp placed its containers on.
  const rounds: Array<{ dcp: number; bare: number }> = [];
  for (let r = 0; r < o.rounds; r++) {
    if (r % 2 === 0) {
      const dcp = await runDcp();
      rounds.push({ dcp, bare: await runBare() });
    } else {
      const bareSeconds = await runBare();
      rounds.push({ dcp: await runDcp(), bare: bareSeconds });
    }
  }
  const ratios = rounds.map((r) => r.bare / r.dcp);
  const dcpMedian = median(rounds.map((r) => r.dcp));
  const total = (side: "dcp" | "bare") => rounds.reduce((sum, r) => sum + r[side], 0);
  const list = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(", ");
  const where = `${o.containers} containers on ${fleet.hosts.length} hosts`;
  return [
    { name: `${o.prefix}.dcp.seconds`, value: dcpMedian, unit: "s", note: `median of ${o.rounds} (${list(rounds.map((r) => r.dcp))}); ${where} (${firstPerNode}): plan, create, start, healthy, registered, published` },
    { name: `${o.prefix}.bare-dockerode.seconds`, value: median(rounds.map((r) => r.bare)), unit: "s", note: `median of ${o.rounds} (${list(rounds.map((r) => r.bare))}); create+start only, same hosts, parallel ${o.parallel}, ${o.perHost} per host` },
    { name: `${o.prefix}.bare/dcp`, value: median(ratios), unit: "ratio", target: { op: ">=", value: 0.9 }, note: `median of the rounds' ratios (${list(ratios)}), ABBA order` },
    { name: `${o.prefix}.bare/dcp.all-rounds`, value: total("bare") / total("dcp"), unit: "ratio", note: `for context: bare's total time over dcp's, all ${o.rounds} rounds` },
    { name: `${o.prefix}.containers-per-second`, value: o.containers / dcpMedian, unit: "1/s" },
  ];
}
