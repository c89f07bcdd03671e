/**
 * Hosts added to a site one at a time: `dcp host add` and `dcp host remove`, which the
 * local profile's Terraform runs (a `terraform_data` per host, created and destroyed
 * through these commands). Each host is recorded (records.ts) before anything of it
 * exists, so that `dcp up` never takes a half-made host for a leftover.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { DcpError } from "../model/errors";
import { KV } from "../model/host-metadata";
import { fleetFile, hostAddress, hostRecordFile, hostSlot, hostStateDir, hostTlsDir, STATE_ROOT, stateDirOf } from "./layout";
import { readRecord } from "./records";
import { ensureBase, neighbourLimits } from "./site";
import { ensureNeighbourLimits } from "./neighbours";
import { withHostSlot, withSiteLock } from "./lock";
import { createHostNetwork, deleteLink, deleteNamespace } from "./network";
import { bootstrapHost, stopHostProcesses } from "./hosts";
import { ensureImages } from "./images";
import { checkHost, hostHealthy } from "./status";
import { ensureHostCertificate } from "./tls";
import { requireRoot, unmountUnder } from "./system";
import { LocalSite, LocalSiteHost } from "./types";

/** What `dcp host add` is told about a host: everything but the address, which its slot gives. */
export interface AddHostSpec extends Pick<LocalSiteHost, "node" | "idc" | "zone" | "fleet" | "cpu" | "memoryMiB" | "cloud"> {
  site: string;
  /** Which incarnation of the node this is (see hostLedger in records.ts). */
  generation: number;
}

function sameIdentity(a: LocalSiteHost, b: LocalSiteHost): boolean {
  const keys = ["node", "ip", "idc", "zone", "fleet", "cpu", "memoryMiB", "cloud"] as const;
  return keys.every((k) => a[k] === b[k]);
}

/**
 * Adds one host, or leaves it as it is when a healthy host of the same identity runs
 * (re-running a killed deploy). A broken host, or one of another identity, is bootstrapped
 * again in place. Makes the site's base first when there is none (a deploy from nothing).
 */
export async function addHost(spec: AddHostSpec, log: (line: string) => void): Promise<LocalSiteHost> {
  requireRoot();
  const site = await ensureBase(spec.site, log);
  const slot = hostSlot(site.name, spec.node);
  if (slot === undefined) throw new DcpError(`host ${spec.node}: a host of site ${site.name} is named ${site.name}-h<n>, n from 1 to 254`);
  const statics = site.hosts.filter((h) => h.generation === undefined);
  if (statics.length > 0) {
    throw new DcpError(
      `site ${site.name} was made with \`dcp up --hosts\` (${statics.map((h) => h.node).join(", ")}); hosts are added one at a time only to a site made without them: \`dcp down --name ${site.name}\`, then \`dcp up --name ${site.name}\``,
    );
  }
  const { site: _site, generation, ...identity } = spec;
  const host: LocalSiteHost = { ...identity, ...hostAddress(site.name, site.subnet, slot), generation };
  await withHostSlot(site.name, async () => {
    const previous = readRecord(site, host.node);
    mkdirSync(hostStateDir(site, host.node), { recursive: true });
    // Written whole, then renamed: other hosts' `dcp host add`, running at once, read every record.
    const record = hostRecordFile(site, host.node);
    writeFileSync(`${record}.${process.pid}`, JSON.stringify(host, null, 2) + "\n");
    renameSync(`${record}.${process.pid}`, record);
    if (previous && sameIdentity(previous, host) && hostHealthy(await checkHost(site, host))) {
      log(`site ${site.name}: ${host.node} is up already (generation ${generation})`);
      return;
    }
    await stopHostProcesses(site, host.node);
    // A deployed site grows one host at a time: each raises the limits for the site it makes.
    await neighbourLimits(site.name, log, () => ensureNeighbourLimits(STATE_ROOT, site.name, site.hosts.length + 1));
    await createHostNetwork(site, host);
    await ensureHostCertificate(site, host);
    await bootstrapHost(site, host);
    log(`site ${site.name}: ${host.node} ${host.ip} ${host.idc}/${host.zone} ready (generation ${generation})`);
  });
  await withSiteLock(site.name, async () => {
    // The new host builds them (it is first): the site may have no other host yet.
    const pushed = await ensureImages({ ...site, hosts: [host, ...site.hosts] });
    if (pushed.length > 0) log(`site ${site.name}: pushed ${pushed.join(", ")} through ${host.node}`);
  });
  return host;
}

/**
 * Removes a host added on its own: its agent leaves Consul, its daemons stop, its namespace,
 * link and state go, and Consul forgets it (catalog node, init status, assignment). With a
 * generation, only that incarnation is removed (an older one's destroy leaves a newer
 * one alone). True when something was removed.
 */
export async function removeHost(siteName: string, node: string, generation: number | undefined, log: (line: string) => void): Promise<boolean> {
  requireRoot();
  if (!existsSync(fleetFile(stateDirOf(siteName)))) {
    log(`site ${siteName} is not up: ${node} is gone already`);
    return false;
  }
  const site = JSON.parse(readFileSync(fleetFile(stateDirOf(siteName)), "utf8")) as LocalSite;
  if (site.hosts.some((h) => h.node === node)) {
    throw new DcpError(`${node} was made by \`dcp up --hosts\` with site ${siteName}; \`dcp down --name ${siteName}\` removes it`);
  }
  const record = readRecord(site, node);
  if (!record) {
    log(`site ${siteName}: ${node} is not there; nothing to remove`);
    return false;
  }
  if (generation !== undefined && record.generation !== generation) {
    log(`site ${siteName}: ${node} runs generation ${record.generation}, not ${generation}: left alone`);
    return false;
  }
  await withHostSlot(siteName, async () => {
    // A graceful leave: the servers mark the node left at once instead of failing it later.
    await fetch(`http://${record.ip}:8500/v1/agent/leave`, { method: "PUT", signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
    await stopHostProcesses(site, node);
    await unmountUnder(hostStateDir(site, node));
    await deleteNamespace(record.netns);
    await deleteLink(node);
    rmSync(hostStateDir(site, node), { recursive: true, force: true });
    rmSync(hostTlsDir(site, node), { recursive: true, force: true });
    await forgetInConsul(site, node);
  });
  log(`site ${siteName}: ${node} removed (generation ${record.generation})`);
  return true;
}

async function forgetInConsul(site: LocalSite, node: string): Promise<void> {
  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${site.consulHttp}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(10_000) }).then((res) => {
      if (!res.ok) throw new DcpError(`Consul ${method} ${path}: HTTP ${res.status}`);
    });
  await call("PUT", "/v1/catalog/deregister", { Node: node });
  await call("DELETE", `/v1/kv/${KV.hostInit("dcp", node).replace(/\/init$/, "/")}?recurse`);
  await call("DELETE", `/v1/kv/${KV.assignment("dcp", node)}`);
}
