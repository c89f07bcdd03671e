/** Health of a local fleet: Consul server, registry, and per host catalog, init status and Docker over TLS. */
import { readFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { KV, NODE_META } from "../model/host-metadata";
import { consulLeader } from "./daemons";
import { imagesPresent } from "./images";
import { FleetStatus, HostStatus, LocalSite, LocalSiteHost } from "./types";

export interface DockerTls {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

export function clientTls(fleet: LocalSite): DockerTls {
  const file = (f: string) => readFileSync(join(fleet.tlsDir, f));
  return { ca: file("ca.pem"), cert: file("cert.pem"), key: file("key.pem") };
}

/** GET /_ping on the host's daemon over TLS; true when it answers OK. */
export function dockerPing(host: LocalSiteHost, tls: Partial<DockerTls>, timeoutMs = 3000): Promise<boolean> {
  const url = new URL(host.dockerEndpoint.replace(/^tcp:/, "https:"));
  return new Promise((resolve) => {
    const req = request(
      { host: url.hostname, port: url.port, path: "/_ping", method: "GET", ...tls, timeout: timeoutMs },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(false));
    req.end();
  });
}

async function consulGet<T>(fleet: LocalSite, path: string): Promise<T | null> {
  try {
    const res = await fetch(`${fleet.consulHttp}${path}`, { signal: AbortSignal.timeout(3000) });
    return res.ok ? ((await res.json()) as T) : null;
  } catch {
    return null;
  }
}

interface CatalogNode {
  Node: string;
  Meta: Record<string, string> | null;
}

async function hostStatus(fleet: LocalSite, host: LocalSiteHost, nodes: CatalogNode[], tls: DockerTls): Promise<HostStatus> {
  const node = nodes.find((n) => n.Node === host.node);
  const checks = await consulGet<Array<{ CheckID: string; Status: string }>>(fleet, `/v1/health/node/${host.node}`);
  const init = await consulGet<Array<{ Value: string | null }>>(fleet, `/v1/kv/${KV.hostInit("dcp", host.node)}`);
  let initReady = false;
  try {
    const value = JSON.parse(Buffer.from(init?.[0]?.Value ?? "", "base64").toString("utf8"));
    initReady = value.stage === "ready" && value.ok === true;
  } catch {
    initReady = false;
  }
  return {
    node: host.node,
    ip: host.ip,
    inCatalog: node?.Meta?.[NODE_META.docker] === host.dockerEndpoint,
    serfHealthy: !!checks?.some((c) => c.CheckID === "serfHealth" && c.Status === "passing"),
    initReady,
    dockerTls: await dockerPing(host, tls),
  };
}

/** One host's status, for a host added on its own. */
export async function checkHost(fleet: LocalSite, host: LocalSiteHost): Promise<HostStatus> {
  const nodes = (await consulGet<CatalogNode[]>(fleet, "/v1/catalog/nodes")) ?? [];
  return hostStatus(fleet, host, nodes, clientTls(fleet));
}

export const hostHealthy = (h: HostStatus) => h.inCatalog && h.serfHealthy && h.initReady && h.dockerTls;

export async function checkFleet(fleet: LocalSite): Promise<FleetStatus> {
  const problems: string[] = [];
  const leader = await consulLeader(fleet);
  if (!leader) problems.push(`Consul server at ${fleet.consulHttp} has no leader or does not answer`);
  const registry = await imagesPresent(fleet);
  // The first host pushes the images (the base has no Docker daemon): a base alone has none yet.
  if (!registry && fleet.hosts.length > 0) problems.push(`registry ${fleet.registry} does not answer or lacks an image (${fleet.image}, ${fleet.imageNext}, ${fleet.imageBroken}, ${fleet.entryImage})`);
  const nodes = (await consulGet<CatalogNode[]>(fleet, "/v1/catalog/nodes")) ?? [];
  let tls: DockerTls | null = null;
  try {
    tls = clientTls(fleet);
  } catch {
    problems.push(`client certificates missing in ${fleet.tlsDir}`);
  }
  const hosts = tls ? await Promise.all(fleet.hosts.map((h) => hostStatus(fleet, h, nodes, tls!))) : [];
  for (const h of hosts) {
    if (!h.inCatalog) problems.push(`${h.node}: not in the Consul catalog with node meta ${NODE_META.docker}`);
    else if (!h.serfHealthy) problems.push(`${h.node}: Consul agent not alive (serfHealth)`);
    if (!h.initReady) problems.push(`${h.node}: init status in KV is not "ready"`);
    if (!h.dockerTls) problems.push(`${h.node}: dockerd does not answer on ${fleet.hosts.find((x) => x.node === h.node)!.dockerEndpoint} (TLS)`);
  }
  return { name: fleet.name, healthy: problems.length === 0, problems, consulLeader: leader, registry, hosts };
}
