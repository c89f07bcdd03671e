/** The local fleet as `dcp up` made it; written to `<state dir>/fleet.json`. */
export interface LocalSiteHost {
  /** Consul node name, also the name of its network namespace and of its veth in the root namespace. */
  node: string;
  ip: string;
  idc: string;
  zone: string;
  fleet: string;
  cpu: number;
  memoryMiB: number;
  cloud: boolean;
  /** tcp://<ip>:2376, TLS with the fleet's client certificate. */
  dockerEndpoint: string;
  netns: string;
  /**
   * Hosts added one at a time (`dcp host add`, run by the local profile's Terraform): which
   * incarnation of the node this is. Absent on hosts `dcp up --hosts` made with the base.
   */
  generation?: number;
}

export interface LocalSite {
  name: string;
  /** http://127.0.0.1:<port> of the fleet's Consul server. */
  consulHttp: string;
  /** 127.0.0.1:<port>, Consul DNS (e.g. `dig @127.0.0.1 -p 8600 feed-api.service.consul SRV`). */
  consulDns: string;
  /** ca.pem, cert.pem, key.pem: Docker client TLS material (DCP_TLS_DIR). */
  tlsDir: string;
  /** <bridge ip>:5000, plain HTTP, reachable from the fleet's hosts only. */
  registry: string;
  /** <registry>/dcp/demo:1 */
  image: string;
  /** <registry>/dcp/demo:2, a second version of the demo image for rolling-update tests. */
  imageNext: string;
  /** <registry>/dcp/demo:broken: the demo image whose health paths answer 404, for failed rolls. */
  imageBroken: string;
  /** <registry>/dcp/entry:1: HAProxy following dcp's upstreams (hosts/entry-image), the local entry tier. */
  entryImage: string;
  stateDir: string;
  subnet: string;
  bridge: string;
  /** The bridge address: Consul server (serf/RPC) and registry listen here. */
  gateway: string;
  hosts: LocalSiteHost[];
}

/** Options left out take the defaults of the fleet's name: "dcp" as documented here, "dcptest" see layout.ts. */
export interface SiteUpOptions {
  /** Fleet name; every resource is named with it. Default "dcp". */
  name?: string;
  /** Hosts made with the base, outside Terraform (0: a base only, whose hosts are added one at a time). Default 6. */
  hosts?: number;
  /** A /24. Default 192.168.77.0/24. */
  subnet?: string;
  /** Host class override for every host (default: 32 cpu on yf-private, 16 on aliyun-bj). */
  hostCpu?: number;
  /** Host class override for every host (default: 65536 MiB on yf-private, 32768 on aliyun-bj). */
  hostMemoryMiB?: number;
  /** Consul server HTTP port on 127.0.0.1. Default 8500. */
  consulHttpPort?: number;
  /** Consul server DNS port on 127.0.0.1. Default 8600. */
  consulDnsPort?: number;
  /** Progress lines; default: stderr. */
  log?: (line: string) => void;
}

export interface HostStatus {
  node: string;
  ip: string;
  inCatalog: boolean;
  serfHealthy: boolean;
  initReady: boolean;
  dockerTls: boolean;
}

export interface FleetStatus {
  name: string;
  healthy: boolean;
  /** What is wrong, one line each; empty when healthy. */
  problems: string[];
  consulLeader: string | null;
  registry: boolean;
  hosts: HostStatus[];
}

/** One host of the local site, as the `terraform_data` of its node carries it. */
export interface LocalHost {
  node: string;
  fleet: string;
  idc: string;
  zone: string;
  cpu: number;
  memoryMiB: number;
  cloud: boolean;
  /** 0 the first time; one more each time the node must be made again (it went away). */
  generation: number;
}

/** What the local profile's synth needs of the site it deploys onto (localSiteTarget in local-site). */
export interface LocalSiteTarget {
  /** Site name (`dcp up --name`). */
  readonly name: string;
  /** The image every pool runs: the demo image in the site's registry. */
  readonly image: string;
  /** The image an entry tier (a pool that follows upstreams) runs: the site's entry image. */
  readonly entryImage: string;
  /** Every node ever added to the site on its own: last generation, and whether it runs now. */
  readonly ledger: Readonly<Record<string, { generation: number; live: boolean }>>;
  /** Hosts the controller added to refill buffers (local-site/refill.ts), by node: they stay in their fleet. */
  readonly refills: Readonly<Record<string, LocalHost>>;
  /** Where the site keeps them: the local Terraform merges this file into its hosts when it runs. */
  readonly refillHostsFile: string;
}
