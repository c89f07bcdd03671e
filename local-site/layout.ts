/**
 * The fleet's layout from `dcp up` options: names, addresses and host identities. Pure,
 * so it is unit-tested without root. Every resource is named with the fleet name, which
 * must start with "dcp": cleaning leftovers then never touches anything not ours.
 */
import { join } from "node:path";
import { DcpError } from "../model/errors";
import { SiteUpOptions, LocalSite, LocalSiteHost } from "./types";

export const STATE_ROOT = "/var/lib/dcp";
export const DEFAULT_SITE = "dcp";
const REGISTRY_PORT = 5000;
const DOCKER_TLS_PORT = 2376;
/** Host slot n (1-based) gets <subnet>.(10 + n); .1 is the bridge. */
const FIRST_HOST_OCTET = 11;
/** The last slot whose address fits the /24 (.254). */
export const MAX_HOST_SLOT = 254 - FIRST_HOST_OCTET + 1;

/**
 * Local hosts one machine holds in all: with about 40, every host's dockerd and Consul
 * agent share two cores and the kernel's neighbour table must be raised (see README).
 */
export const LOCAL_HOST_CAP = 40;
/** Each fleet numbers its hosts in a block of its own, so one fleet growing never renames another's; the cap fits one block. */
export const SLOTS_PER_FLEET = LOCAL_HOST_CAP;

/** The example topology of the project (same names as the cloud example). */
const PRIVATE_IDC = { idc: "yf-private", zones: ["yf-a"], fleet: "yf-standard", cpu: 32, memoryMiB: 65536, cloud: false };
const CLOUD_IDC = {
  idc: "aliyun-bj",
  zones: ["cn-beijing-h", "cn-beijing-i", "cn-beijing-j"],
  fleet: "bj-standard",
  cpu: 16,
  memoryMiB: 32768,
  cloud: true,
};
/** Hosts 1-2 are private, the rest are cloud hosts. */
const PRIVATE_HOSTS = 2;

export function stateDirOf(name: string): string {
  return join(STATE_ROOT, name);
}

export function validateName(name: string): void {
  // Interface names are at most 15 characters: "<name>-h<3 digits>" must fit.
  if (!/^dcp[a-z0-9]{0,7}$/.test(name)) {
    throw new DcpError(
      `--name "${name}": a fleet name starts with "dcp" and has at most 10 lowercase letters or digits (e.g. dcp, dcptest)`,
    );
  }
}

function wholeNumber(flag: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new DcpError(`${flag} ${value}: must be a whole number from ${min} to ${max}`);
  }
  return value;
}

const positiveInt = (flag: string, value: number, max: number) => wholeNumber(flag, value, 1, max);

function subnetBase(subnet: string): string {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.0\/24$/.exec(subnet);
  if (!m || m.slice(1).some((o) => Number(o) > 255)) {
    throw new DcpError(`--subnet ${subnet}: must be an IPv4 /24 written as a.b.c.0/24 (e.g. 192.168.77.0/24)`);
  }
  const base = `${m[1]}.${m[2]}.${m[3]}`;
  // Test and load traffic must stay on addresses the project makes itself: private ranges only.
  if (!(m[1] === "10" || (m[1] === "192" && m[2] === "168") || (m[1] === "172" && Number(m[2]) >= 16 && Number(m[2]) < 32))) {
    throw new DcpError(`--subnet ${subnet}: use a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)`);
  }
  return base;
}

export const TEST_SITE = "dcptest";

/**
 * Defaults per fleet name. The test fleet gets its own subnet and Consul ports so that it
 * runs beside the default fleet, and a large host class so that load tests fit on 6 hosts.
 */
const PRESETS: Record<string, SiteUpOptions> = {
  [DEFAULT_SITE]: { hosts: 6, subnet: "192.168.77.0/24", consulHttpPort: 8500, consulDnsPort: 8600 },
  [TEST_SITE]: {
    hosts: 6,
    subnet: "192.168.79.0/24",
    consulHttpPort: 8510,
    consulDnsPort: 8610,
    hostCpu: 128,
    hostMemoryMiB: 262144,
  },
};

/** The layout for the given options; options left out take the defaults of the fleet's name (see PRESETS). */
export function siteLayout(given: SiteUpOptions = {}): LocalSite {
  const name = given.name ?? DEFAULT_SITE;
  validateName(name);
  const defined = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
  const options: SiteUpOptions = { ...PRESETS[DEFAULT_SITE], ...PRESETS[name], ...defined };
  // 0: a base only; its hosts are added one at a time (`dcp host add`, which Terraform runs).
  const count = wholeNumber("--hosts", options.hosts!, 0, 200);
  const subnet = options.subnet!;
  const base = subnetBase(subnet);
  const httpPort = positiveInt("--consul-http-port", options.consulHttpPort!, 65535);
  const dnsPort = positiveInt("--consul-dns-port", options.consulDnsPort!, 65535);
  if (httpPort === dnsPort) throw new DcpError(`--consul-http-port and --consul-dns-port are both ${httpPort}: use two ports`);
  if (options.hostCpu !== undefined) positiveInt("--host-cpu", options.hostCpu, 4096);
  if (options.hostMemoryMiB !== undefined) positiveInt("--host-memory-mib", options.hostMemoryMiB, 64 * 1024 * 1024);

  const stateDir = stateDirOf(name);
  const gateway = `${base}.1`;
  const registry = `${gateway}:${REGISTRY_PORT}`;
  let cloudIndex = 0;
  const hosts: LocalSiteHost[] = Array.from({ length: count }, (_, i) => {
    const cls = i < PRIVATE_HOSTS ? PRIVATE_IDC : CLOUD_IDC;
    const zone = cls.cloud ? cls.zones[cloudIndex++ % cls.zones.length] : cls.zones[0];
    return {
      ...hostAddress(name, subnet, i + 1),
      idc: cls.idc,
      zone,
      fleet: cls.fleet,
      cpu: options.hostCpu ?? cls.cpu,
      memoryMiB: options.hostMemoryMiB ?? cls.memoryMiB,
      cloud: cls.cloud,
    };
  });
  return {
    name,
    consulHttp: `http://127.0.0.1:${httpPort}`,
    consulDns: `127.0.0.1:${dnsPort}`,
    tlsDir: join(stateDir, "tls"),
    registry,
    image: `${registry}/dcp/demo:1`,
    imageNext: `${registry}/dcp/demo:2`,
    imageBroken: `${registry}/dcp/demo:broken`,
    entryImage: `${registry}/dcp/entry:1`,
    stateDir,
    subnet,
    bridge: `${name}-br`,
    gateway,
    hosts,
  };
}

/** The node name of host slot n: `<site>-h<n>`; also its namespace and its veth in the root namespace. */
export function hostNode(site: string, slot: number): string {
  return `${site}-h${slot}`;
}

/** The slot of a node name of this site, or undefined when the name is not `<site>-h<n>` with n in range. */
export function hostSlot(site: string, node: string): number | undefined {
  const m = new RegExp(`^${site}-h(\\d+)$`).exec(node);
  const slot = m ? Number(m[1]) : NaN;
  return slot >= 1 && slot <= MAX_HOST_SLOT ? slot : undefined;
}

/** Name, address, Docker endpoint and namespace of host slot n of a site on `subnet`. */
export function hostAddress(site: string, subnet: string, slot: number): Pick<LocalSiteHost, "node" | "ip" | "dockerEndpoint" | "netns"> {
  wholeNumber("host slot", slot, 1, MAX_HOST_SLOT);
  const node = hostNode(site, slot);
  const ip = `${subnetBase(subnet)}.${FIRST_HOST_OCTET + slot - 1}`;
  return { node, ip, dockerEndpoint: `tcp://${ip}:${DOCKER_TLS_PORT}`, netns: node };
}

/** Where a host's daemons keep data, pid files, sockets and logs. */
export const hostStateDir = (fleet: Pick<LocalSite, "stateDir">, node: string) => join(fleet.stateDir, "hosts", node);
/** ca.pem, server-cert.pem, server-key.pem for one host's dockerd. */
export const hostTlsDir = (fleet: LocalSite, node: string) => join(fleet.tlsDir, "hosts", node);
export const fleetFile = (stateDir: string) => join(stateDir, "fleet.json");
/** A host added on its own (`dcp host add`): its identity and generation, written before anything of it exists. */
export const hostRecordFile = (fleet: Pick<LocalSite, "stateDir">, node: string) => join(hostStateDir(fleet, node), "host.json");
/** Names of our own namespaces and links: `<name>-h<n>` and the bridge `<name>-br`. */
export const ownedName = (fleetName: string) => new RegExp(`^${fleetName}-(h\\d+|br)$`);
