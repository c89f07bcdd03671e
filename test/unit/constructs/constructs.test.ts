import { App } from "cdktf";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DcpError } from "../../../model/errors";
import { DependencyTemplate, Fleet, HostBuffer, Idc, LoadBalancer, Network, ServicePool } from "../../../constructs";
import { synthesizeStacks } from "../../../constructs/synthesize";
import { PoolDefinition } from "../../../model/desired-state";
import fc from "fast-check";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { CERTIFICATE_ALLOWANCE_BYTES, MAX_USER_DATA_BYTES, renderUserData } from "../../../constructs/bootstrap";
import { topology } from "../../support/stack-fixture";

let outdir: string;
let app: App;
beforeEach(() => {
  outdir = mkdtempSync(join(tmpdir(), "dcp-constructs-test-"));
  app = new App({ outdir });
});
afterEach(() => rmSync(outdir, { recursive: true, force: true }));

const feedApi: PoolDefinition = {
  name: "feed-api",
  image: "registry.local/feed/feed-api:1.4.2",
  containerType: "dP02",
  replicas: 10,
  idcs: ["yf-private", "aliyun-bj"],
  ports: [{ name: "http", port: 8080 }],
  upstream: { name: "feed_api" },
  owner: "feed-team",
};
/** The props every cloud Network needs: the IDC link and the enrolment service behind it. */
const link = { idcLink: { idcCidrs: ["10.10.0.0/16"] }, hostEnrolmentUrl: "https://10.10.0.30:8443" };
const expectError = (fn: () => unknown, ...parts: string[]) => {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(DcpError);
  for (const p of parts) expect((error as Error).message).toContain(p);
};

describe("Idc", () => {
  it("defaults cloudWeightFactor to 0.8 and keeps zone priority", () => {
    const { bj } = topology(app);
    expect(bj.spec).toEqual({
      name: "aliyun-bj",
      kind: "cloud",
      region: "cn-beijing",
      zones: ["cn-beijing-h", "cn-beijing-i", "cn-beijing-j"],
      cloudWeightFactor: 0.8,
    });
  });
  it("needs a Consul address for a private IDC; a cloud IDC may leave it to its Network", () => {
    const { stack } = topology(app);
    expectError(() => new Idc(stack, "p0", { kind: "private", zones: ["a"] }), "a private IDC needs consulAddress");
    expect(new Idc(stack, "c0", { kind: "cloud", region: "cn-beijing", zones: ["z"] }).spec.consulAddress).toBeUndefined();
  });
  it("says what to change", () => {
    const { stack } = topology(app);
    expectError(() => new Idc(stack, "c1", { kind: "cloud", zones: ["z"], consulAddress: "c:8301" }), "needs region");
    expectError(() => new Idc(stack, "p1", { kind: "private", region: "cn-beijing", zones: ["z"], consulAddress: "c" }), "region is for cloud IDCs");
    expectError(() => new Idc(stack, "p2", { kind: "private", zones: [], consulAddress: "c" }), "zones must list at least one zone");
    expectError(() => new Idc(stack, "p3", { kind: "private", zones: ["a", "a"], consulAddress: "c" }), 'zone "a" is listed twice');
    expectError(() => new Idc(stack, "p4", { kind: "private", zones: ["a"], consulAddress: "http://c:8500" }), "consulAddress must be host[:port]");
    expectError(() => new Idc(stack, "p5", { kind: "private", zones: ["a"], consulAddress: "c", cloudWeightFactor: 1.5 }), "cloudWeightFactor must be in (0, 1]");
    expectError(() => new Idc(stack, "Bad_Name", { kind: "private", zones: ["a"], consulAddress: "c" }), 'IDC name "Bad_Name" is invalid');
  });
});

describe("Network", () => {
  it("carves one vSwitch per zone from the VPC range, in zone order", () => {
    const { network } = topology(app);
    expect(network.vswitchCidrs).toEqual(["172.16.0.0/20", "172.16.16.0/20", "172.16.32.0/20"]);
  });
  it("refuses to open SSH, Docker or Consul ports to the internet", () => {
    const { stack, bj } = topology(app);
    expectError(() => new Network(stack, "n1", { ...link, idc: bj, ingress: [{ port: 22, cidr: "0.0.0.0/0" }] }), "opens SSH (port 22) to 0.0.0.0/0", "adminCidrs");
    expectError(() => new Network(stack, "n2", { ...link, idc: bj, ingress: [{ port: [2000, 3000], cidr: "0.0.0.0/0" }] }), "Docker API");
    expectError(() => new Network(stack, "n3", { ...link, idc: bj, ingress: [{ port: 8500, cidr: "0.0.0.0/1" }] }), "Consul HTTP");
    expectError(() => new Network(stack, "n4", { ...link, idc: bj, ingress: [{ port: 8301, protocol: "udp", cidr: "0.0.0.0/0" }] }), "Consul RPC/Serf");
    expectError(() => new Network(stack, "n5", { ...link, idc: bj, adminCidrs: ["0.0.0.0/0"] }), "adminCidrs[0] is 0.0.0.0/0");
  });
  it("allows public web ports and private ranges for control ports", () => {
    const { stack, bj } = topology(app);
    expect(() => new Network(stack, "ok", { ...link, idc: bj, ingress: [{ port: 80, cidr: "0.0.0.0/0" }, { port: 22, cidr: "10.0.0.0/8" }] })).not.toThrow();
  });
  it("validates ranges", () => {
    const { stack, bj, yf } = topology(app);
    expectError(() => new Network(stack, "n6", { ...link, idc: yf }), "is private");
    expectError(() => new Network(stack, "n7", { ...link, idc: bj, cidrBlock: "10.0.0.1/16" }), 'cidrBlock "10.0.0.1/16"');
    expectError(() => new Network(stack, "n8", { ...link, idc: bj, cidrBlock: "10.0.0.0/24", vswitchPrefixLength: 25 }), "cannot carve 3 vSwitches");
    expectError(() => new Network(stack, "n9", { ...link, idc: bj, ingress: [{ port: 0, cidr: "0.0.0.0/0" }] }), "port must be 1-65535");
    expectError(() => new Network(stack, "n10", { ...link, idc: bj, natBandwidthMbps: -1 }), "natBandwidthMbps must be 0 (no NAT gateway) or 1-200");
    expectError(() => new Network(stack, "n11", { ...link, idc: bj, natBandwidthMbps: 201 }), "1-200, the bandwidth Alibaba Cloud sells for a pay-by-traffic EIP");
    expect(new Network(stack, "no-nat", { ...link, idc: bj, natBandwidthMbps: 0 }).egress).toBeUndefined();
  });
});

describe("Network: the IDC link, Consul servers, registries", () => {
  it("needs the link's ranges, keeps admin ranges and the enrolment service inside them", () => {
    const { stack, bj } = topology(app);
    expectError(() => new Network(stack, "l1", { ...link, idc: bj, idcLink: { idcCidrs: [] } }), "idcLink.idcCidrs must list");
    expectError(() => new Network(stack, "l2", { ...link, idc: bj, idcLink: { idcCidrs: ["10.0.0.0/8"] } }), "overlaps the VPC 10.0.0.0/16");
    expectError(() => new Network(stack, "l3", { ...link, idc: bj, adminCidrs: ["192.168.0.0/24"] }), "adminCidrs[0] 192.168.0.0/24 is not inside idcLink.idcCidrs");
    expectError(() => new Network(stack, "l4", { ...link, idc: bj, hostEnrolmentUrl: "http://10.10.0.30" }), "hostEnrolmentUrl \"http://10.10.0.30\" must be an https:// URL");
    expectError(() => new Network(stack, "l5", { ...link, idc: bj, hostEnrolmentUrl: "https://192.168.1.1:8443" }), "is not inside idcLink.idcCidrs");
    expectError(() => new Network(stack, "l6", { ...link, idc: bj, idcLink: { idcCidrs: ["10.10.0.0/16"], cenInstanceId: "vbr-1" } }), "not a CEN instance id");
    expect(new Network(stack, "l7", { ...link, idc: bj }).adminCidrs).toEqual(["10.10.0.0/16"]);
  });
  it("creates Consul servers on reserved addresses at the end of the VPC, spread over zones in priority order", () => {
    const { network } = topology(app);
    expect(network.consulServers!.placements).toEqual([
      { zone: "cn-beijing-h", cidr: "172.16.255.208/28", address: "172.16.255.212" },
      { zone: "cn-beijing-i", cidr: "172.16.255.224/28", address: "172.16.255.228" },
      { zone: "cn-beijing-j", cidr: "172.16.255.240/28", address: "172.16.255.244" },
    ]);
    expect(network.consulJoin).toBe("172.16.255.212:8301,172.16.255.228:8301,172.16.255.244:8301");
  });
  it("refuses a Consul address inside the VPC it creates, and servers next to an external one", () => {
    const { stack } = topology(app);
    const inside = new Idc(stack, "in", { kind: "cloud", region: "cn-beijing", zones: ["z1"], consulAddress: "10.0.0.10:8301" });
    expectError(() => new Network(stack, "c1", { ...link, idc: inside }), "consulAddress 10.0.0.10:8301 is inside the VPC 10.0.0.0/16", "ESS may give the address to a burst host");
    const outside = new Idc(stack, "out", { kind: "cloud", region: "cn-beijing", zones: ["z1"], consulAddress: "10.10.0.10:8301" });
    expectError(() => new Network(stack, "c2", { ...link, idc: outside, consulServers: { count: 3 } }), "remove consulServers");
    expect(new Network(stack, "c3", { ...link, idc: outside }).consulServers).toBeUndefined();
    expectError(() => new Network(stack, "c4", { ...link, idc: new Idc(stack, "even", { kind: "cloud", region: "cn-beijing", zones: ["z1"] }), consulServers: { count: 2 as 3 } }), "count must be 1, 3 or 5");
  });
  it("validates image registries: a DNS name, once, at an address the VPC reaches", () => {
    const { stack, bj } = topology(app);
    expectError(() => new Network(stack, "r1", { ...link, idc: bj, imageRegistries: [{ host: "registry", address: "10.10.0.20" }] }), 'host "registry" must be a lower-case DNS name');
    expectError(() => new Network(stack, "r2", { ...link, idc: bj, imageRegistries: [{ host: "a.local", address: "10.10.0.20" }, { host: "a.local", address: "10.10.0.21" }] }), "declared twice");
    expectError(() => new Network(stack, "r3", { ...link, idc: bj, imageRegistries: [{ host: "a.local", address: "192.168.9.9" }] }), "neither in the VPC nor in idcLink.idcCidrs");
  });
});

describe("Fleet: scaling groups that stay as the fleet grows", () => {
  const synthWith = (maxHosts: number, replicas: number) =>
    synthesizeStacks((a) => {
      const t = topology(a, {}, "test", { bjFleet: { maxHosts } });
      new ServicePool(t.stack, "big", { name: "big", image: "registry.local/r/big:1", containerType: "dP04", replicas, idcs: ["aliyun-bj"], owner: "t" });
      return [t.stack];
    }).stacks[0].terraform;
  const groupNames = (tf: any) => Object.keys(tf.resource.alicloud_ess_scaling_group);

  it("keeps every scaling group when the need grows, and when maxHosts is raised", () => {
    fc.assert(
      // Up to 4,000 hosts: what one /20 vSwitch per zone of the fixture holds.
      fc.property(fc.integer({ min: 10, max: 2000 }), fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 2000 }), (smallMax, extra, replicas) => {
        const small = synthWith(smallMax, Math.min(replicas, smallMax - 3));
        const large = synthWith(smallMax + extra, Math.min(replicas, smallMax - 3) + extra);
        expect(groupNames(large)).toEqual(expect.arrayContaining(groupNames(small)));
      }),
      { numRuns: 4, endOnFailure: true },
    );
  }, 60_000);
  it("needs an address in each zone's vSwitch for every host the zone may take", () => {
    expect(() => synthWith(5000, 10)).toThrow(/may put 5000 hosts in one zone, but a \/20 vSwitch has 4092 addresses/);
  });
  it("validates maxHosts and the drain timeout", () => {
    const { stack, bj, network } = topology(app);
    const hostClass = { cpu: 16, memoryMiB: 32768 };
    expectError(() => new Fleet(stack, "m1", { idc: bj, network, hostClass, instanceTypes: ["a"], maxHosts: 0 }), "maxHosts must be an integer >= 1");
    expectError(() => new Fleet(stack, "m2", { idc: bj, network, hostClass, instanceTypes: ["a"], drainTimeoutSeconds: 10 }), "drainTimeoutSeconds must be an integer 30-21600");
  });
});

describe("cloud user data", () => {
  it("fits what ECS takes (16 KB), with room for the two CA certificates, or synth says to shorten the bootstrap", () => {
    const env = { role: "host" as const, idc: "aliyun-bj", fleet: "f", cpu: 16, memoryMiB: 32768, consulJoin: "10.0.0.4:8301", kvRoot: "dcp", enrolmentUrl: "https://10.10.0.30:8443" };
    const cas = { dockerClientCaPem: "${var.a}", hostCaPem: "${var.b}" };
    const script = readFileSync(join(__dirname, "..", "..", "..", "hosts", "bootstrap.sh"), "utf8");
    expect(Buffer.byteLength(renderUserData(script, env, cas)) + 2 * CERTIFICATE_ALLOWANCE_BYTES).toBeLessThanOrEqual(MAX_USER_DATA_BYTES);
    const incompressible = randomBytes(12 * 1024).toString("base64");
    expectError(() => renderUserData(incompressible, env, cas), "ECS takes 16384", "shorten hosts/bootstrap.sh");
  });
});

describe("Fleet and HostBuffer", () => {
  it("validates cloud and private fleets", () => {
    const { stack, bj, yf, network } = topology(app);
    const hostClass = { cpu: 16, memoryMiB: 32768 };
    expectError(() => new Fleet(stack, "f1", { idc: bj, hostClass, instanceTypes: ["ecs.c7.4xlarge"] }), "needs network");
    expectError(() => new Fleet(stack, "f2", { idc: bj, network, hostClass }), "instanceTypes must list 1 to 10");
    expectError(() => new Fleet(stack, "f3", { idc: bj, network, hostClass, instanceTypes: Array(11).fill("ecs.c7.4xlarge") }), "1 to 10");
    expectError(() => new Fleet(stack, "f4", { idc: bj, network, hostClass, instanceTypes: ["a"], chargeType: "PrePaid" }), "PrePaid is not available");
    expectError(() => new Fleet(stack, "f5", { idc: bj, network, hostClass, instanceTypes: ["a"], freeHosts: 3 }), "freeHosts is for private fleets");
    expectError(() => new Fleet(stack, "f6", { idc: yf, hostClass, instanceTypes: ["a"] }), "instanceTypes is for cloud fleets");
    expectError(() => new Fleet(stack, "f7", { idc: yf, hostClass: { cpu: 0, memoryMiB: 1 } }), "hostClass needs cpu > 0");
    expectError(() => new Fleet(stack, "f8", { idc: yf, hostClass, freeHosts: -1 }), "freeHosts must be an integer >= 0");
  });
  it("refuses a negative buffer", () => {
    const { stack, bjFleet } = topology(app);
    expectError(() => new HostBuffer(stack, "b", { fleet: bjFleet, hosts: -2 }), "hosts must be an integer >= 0");
  });
});

describe("ServicePool", () => {
  it("applies the documented defaults", () => {
    const { stack } = topology(app);
    const p = new ServicePool(stack, "feed-api", feedApi);
    expect(p.pool).toMatchObject({
      placement: { strategy: "spread", constraints: [] },
      healthCheck: { path: "/health", port: 8080, intervalSeconds: 5, timeoutSeconds: 2 },
      upstream: { name: "feed_api", weight: 20, maxFails: 2, failTimeoutSeconds: 10, consumers: { followWithinSeconds: 10, status: [] } },
      update: { maxSurge: "25%", maxUnavailable: "25%" },
      stopGracePeriodSeconds: 10,
      env: {},
      source: "ServicePool test/feed-api",
    });
    expect(p.pool.follows).toBeUndefined();
    expect(p.pool.placement.antiAffinity).toBeUndefined();
  });
  it.each<[string, Partial<PoolDefinition>, string[]]>([
    ["name", { name: "Feed_API" }, ['pool "Feed_API": name must be 1-63 lower-case letters, digits and \'-\'', '(got "Feed_API")']],
    ["image", { image: "feed api:1" }, ["image must be an image reference like registry.local/feed-api:1.4.2"]],
    ["containerType", { containerType: "dP09" as never }, ["must be one of dP01, dP02, dP03, dP04"]],
    ["replicas", { replicas: 1.5 }, ["replicas must be a whole number (got number 1.5)"]],
    ["negative replicas", { replicas: -1 }, ["replicas must be >= 0 (got number -1)"]],
    ["idcs", { idcs: [] }, ["idcs must not be empty"]],
    ["port range", { ports: [{ name: "http", port: 70000 }] }, ["ports[0].port must be <= 65535 (got number 70000)"]],
    ["port unique", { ports: [{ name: "a", port: 80 }, { name: "b", port: 80 }] }, ["port 80 is used twice"]],
    ["port name", { ports: [{ name: "my-port", port: 80 }] }, ["ports[0].name must be letters, digits and '_'", '(got "my-port")']],
    ["upstream name", { upstream: { name: "feed-api" } }, ["upstream.name must be letters, digits and '_' (an nginx upstream name)", '(got "feed-api")']],
    ["upstream weight", { upstream: { name: "x", weight: 0 } }, ["upstream.weight must be >= 1 (got number 0)"]],
    ["upstream without ports", { ports: [], upstream: { name: "x" } }, ["upstream needs the pool's ports"]],
    ["constraint", { placement: { constraints: ["zone=a"] } }, ['placement.constraints[0] must be key==value or key!=value, with * for any characters and ~ before the value for a preference (e.g. zone==cn-beijing-*, zone==~cn-beijing-h); /regex/ is not supported, write a glob (got "zone=a")']],
    ["strategy", { placement: { strategy: "spraed" as never } }, ["placement.strategy must be one of binpack, spread, random"]],
    ["timeout", { healthCheck: { path: "/h", port: 8080, intervalSeconds: 2, timeoutSeconds: 3 } }, ["healthCheck.timeout 3s is longer than the interval (2s)"]],
    ["timeout longer than the default interval", { healthCheck: { path: "/h", port: 8080, timeoutSeconds: 10 } }, ["healthCheck.timeout 10s is longer than the interval (5s)"]],
    ["health port", { healthCheck: { path: "/h", port: 9999 } }, ["healthCheck.port 9999 is not one of the pool's ports"]],
    ["owner", { owner: "" }, ["owner must not be empty"]],
    ["ratio", { dependencies: [{ pool: "x", ratio: 0 }] }, ["dependencies[0].ratio must be > 0 (got number 0)"]],
    ["env name", { env: { "9LIVES": "x" } }, ['env.9LIVES name must be an environment variable name']],
    ["update budget", { update: { maxSurge: 0, maxUnavailable: "0%" } }, ["update.maxUnavailable may not be 0 when maxSurge is 0"]],
    ["update percentage", { update: { maxSurge: "120%" } }, ['update.maxSurge must be a percentage 0%-100% such as 25% (got "120%")']],
    ["grace period", { stopGracePeriodSeconds: -1 }, ["stopGracePeriod must be > 0 (got number -1)"]],
    ["followWithin", { upstream: { name: "x", consumers: { followWithinSeconds: 0 } } }, ["upstream.consumers.followWithin must be > 0 (got number 0)"]],
    ["consumer url", { upstream: { name: "x", consumers: { status: [{ url: "10.0.0.5:8081" }] } } }, ['upstream.consumers.status[0].url must be an http URL with a path', '(got "10.0.0.5:8081")']],
    ["follows status port", { follows: { upstreams: ["feed_api"], status: { port: "admin", path: "/upstream_show" } } }, ["follows.status.port must be the name of one of the pool's ports (http; got \"admin\")"]],
    ["follows upstream", { follows: { upstreams: ["feed-api"] } }, ["follows.upstreams[0] must be letters, digits and '_' (an nginx upstream name)", '(got "feed-api")']],
  ])("rejects a bad %s and names the field", (_what, change, parts) => {
    const { stack } = topology(app);
    expectError(() => new ServicePool(stack, "p", { ...feedApi, ...change, source: "stacks/pools/feed-api.yaml:5" }), "stacks/pools/feed-api.yaml:5", ...parts);
  });
  it("names every problem at once, each at its own field's place", () => {
    const fieldSources = { image: "stacks/pools/feed-api.yaml:6:8", "ports[0].port": "stacks/pools/feed-api.yaml:12:26" };
    const { stack } = topology(app);
    expectError(
      () => new ServicePool(stack, "p", { ...feedApi, image: "Feed:1", ports: [{ name: "http", port: -1 }], source: "stacks/pools/feed-api.yaml:5", fieldSources }),
      '2 problems in pool "feed-api":\nstacks/pools/feed-api.yaml:6:8: pool "feed-api": image must be an image reference',
      '\nstacks/pools/feed-api.yaml:12:26: pool "feed-api": ports[0].port must be >= 0 (got number -1)',
    );
  });
  it("accepts dynamic ports, several of them", () => {
    const { stack } = topology(app);
    const p = new ServicePool(stack, "p", { ...feedApi, ports: [{ name: "http", port: 0 }, { name: "admin", port: 0 }], upstream: undefined });
    expect(p.pool.healthCheck?.port).toBe(0);
  });
});

describe("LoadBalancer", () => {
  let fleets = 0;
  const entryFleet = (t: ReturnType<typeof topology>, maxHosts = 200) =>
    new Fleet(t.stack, `entry-${++fleets}`, { idc: t.bj, network: t.network, hostClass: { cpu: 8, memoryMiB: 16384 }, instanceTypes: ["ecs.c7.2xlarge"], maxHosts });
  const nginx = (t: ReturnType<typeof topology>, change: Partial<PoolDefinition> = {}) =>
    new ServicePool(t.stack, change.name ?? "web", { ...feedApi, name: "web", upstream: undefined, idcs: ["aliyun-bj"], placement: { antiAffinity: "host" }, ports: [{ name: "http", port: 80 }], ...change });

  it("needs a fixed first port and a cloud fleet the pool runs in", () => {
    const t = topology(app);
    const dyn = new ServicePool(t.stack, "dyn", { ...feedApi, name: "dyn", ports: [{ name: "http", port: 0 }], upstream: undefined });
    expectError(() => new LoadBalancer(t.stack, "lb1", { pool: dyn, fleet: t.bjFleet }), "needs a fixed first port");
    const web = new ServicePool(t.stack, "web", { ...feedApi, name: "web", upstream: undefined, idcs: ["yf-private"] });
    expectError(() => new LoadBalancer(t.stack, "lb2", { pool: web, fleet: t.yfFleet }), "is private");
    expectError(() => new LoadBalancer(t.stack, "lb3", { pool: web, fleet: t.bjFleet }), 'does not run in IDC "aliyun-bj"');
  });
  it("needs an entry pool of one IDC, one per host, never on an admin port, on a fleet within the CLB's backend quota", () => {
    const t = topology(app);
    expectError(() => new LoadBalancer(t.stack, "e1", { pool: nginx(t, { name: "two", idcs: ["yf-private", "aliyun-bj"] }), fleet: entryFleet(t) }), 'list only IDC "aliyun-bj" in idcs');
    expectError(() => new LoadBalancer(t.stack, "e2", { pool: nginx(t, { name: "packed", placement: {} }), fleet: entryFleet(t) }), "needs placement.antiAffinity: host");
    expectError(() => new LoadBalancer(t.stack, "e3", { pool: nginx(t, { name: "ssh", ports: [{ name: "ssh", port: 22 }] }), fleet: entryFleet(t) }), "listens on SSH port 22");
    expectError(() => new LoadBalancer(t.stack, "e4", { pool: nginx(t, { name: "wide" }), fleet: entryFleet(t, 500) }), "a CLB takes 200 backend servers by default");
    expectError(() => new LoadBalancer(t.stack, "e5", { pool: nginx(t, { name: "bad-clients" }), fleet: entryFleet(t), clientCidrs: ["everyone"] }), 'clientCidrs[0] "everyone"');
    expectError(() => new LoadBalancer(t.stack, "e6", { pool: nginx(t, { name: "many-clients" }), fleet: entryFleet(t), clientCidrs: Array(301).fill("10.0.0.0/8") }), "1 to 300 ranges");
  });
  it("takes its fleet for itself: no second load balancer, no buffer", () => {
    const t = topology(app);
    const fleet = entryFleet(t);
    new LoadBalancer(t.stack, "first", { pool: nginx(t, { name: "a" }), fleet });
    expectError(() => new LoadBalancer(t.stack, "second", { pool: nginx(t, { name: "b" }), fleet }), 'already serves pool "a"');
    expectError(() => synthesizeStacks((a) => {
      const u = topology(a);
      const f = entryFleet(u);
      new LoadBalancer(u.stack, "lb", { pool: nginx(u), fleet: f });
      new HostBuffer(u.stack, "spare", { fleet: f, hosts: 2 });
      return [u.stack];
    }), 'HostBuffer test/spare: fleet', 'serves only pool "web"', "remove the buffer");
  });
});

describe("DcpStack", () => {
  const synth = (build: (t: ReturnType<typeof topology>) => void) =>
    synthesizeStacks((a) => {
      const t = topology(a);
      build(t);
      return [t.stack];
    });

  it("names an unknown IDC with the pool's source", () => {
    expectError(() => synth(({ stack }) => new ServicePool(stack, "p", { ...feedApi, idcs: ["aliyun-sh"], source: "stacks/pools/feed-api.yaml:5" })),
      'stacks/pools/feed-api.yaml:5: pool "feed-api": idcs[0]: IDC "aliyun-sh" is not defined');
  });
  it("names the line and column of the field when the pool came from a pool file", () => {
    const fieldSources = { idcs: "stacks/pools/feed-api.yaml:9:1", "idcs[1]": "stacks/pools/feed-api.yaml:9:20", upstream: "stacks/pools/feed-api.yaml:14:1" };
    const at = { source: "stacks/pools/feed-api.yaml:5", fieldSources };
    expectError(() => synth(({ stack }) => new ServicePool(stack, "p", { ...feedApi, ...at, idcs: ["yf-private", "aliyun-sh"] })),
      'stacks/pools/feed-api.yaml:9:20: pool "feed-api": idcs[1]: IDC "aliyun-sh" is not defined');
    // A field without its own entry points at the nearest enclosing one.
    expectError(() => new ServicePool(topology(app).stack, "p", { ...feedApi, ...at, upstream: { name: "feed-api" } }),
      'stacks/pools/feed-api.yaml:14:1: pool "feed-api": upstream.name must be letters');
  });
  it("names a dependency cycle across pools and templates", () => {
    expectError(
      () =>
        synth(({ stack }) => {
          new ServicePool(stack, "a", { ...feedApi, name: "a", upstream: undefined, dependencies: [{ pool: "b", ratio: 0.5 }] });
          new ServicePool(stack, "b", { ...feedApi, name: "b", upstream: undefined });
          new DependencyTemplate(stack, "b-needs-a", { pool: "b", dependsOn: "a", ratio: 1 });
        }),
      "dependency cycle: a → b → a",
    );
  });
  it("resolves dependency templates declared in TypeScript", () => {
    const r = synth(({ stack }) => {
      new ServicePool(stack, "api", { ...feedApi, name: "api", replicas: 50, upstream: undefined });
      new ServicePool(stack, "cache", { ...feedApi, name: "cache", replicas: 2, upstream: undefined });
      new DependencyTemplate(stack, "api-cache", { pool: "api", dependsOn: "cache", ratio: 0.1 });
    });
    expect(r.desired.pools.find((p) => p.name === "cache")).toMatchObject({ replicas: 2, effectiveReplicas: 7 });
    expect(r.desired.pools.find((p) => p.name === "api")!.dependencies).toEqual([{ pool: "cache", ratio: 0.1 }]);
  });
  it("rejects duplicate pools, upstreams and dependencies", () => {
    expectError(() => synth(({ stack }) => { new ServicePool(stack, "a", feedApi); new ServicePool(stack, "b", feedApi); }), 'pool "feed-api" is defined twice');
    expectError(() => synth(({ stack }) => { new ServicePool(stack, "a", feedApi); new ServicePool(stack, "b", { ...feedApi, name: "other" }); }), 'upstream "feed_api" is defined twice');
    expectError(
      () =>
        synth(({ stack }) => {
          new ServicePool(stack, "a", { ...feedApi, upstream: undefined, dependencies: [{ pool: "c", ratio: 1 }] });
          new ServicePool(stack, "c", { ...feedApi, name: "c", upstream: undefined });
          new DependencyTemplate(stack, "again", { pool: "feed-api", dependsOn: "c", ratio: 2 });
        }),
      "dependency feed-api → c is declared twice",
    );
  });
  it("needs a fleet in every IDC a pool uses, and one cloud region per stack", () => {
    expectError(
      () =>
        synth(({ stack }) => {
          new Idc(stack, "gz", { kind: "private", zones: ["gz-a"], consulAddress: "c" });
          new ServicePool(stack, "p", { ...feedApi, idcs: ["gz"] });
        }),
      'IDC "gz" has no Fleet, but pools feed-api list it',
    );
    expectError(() => synth(({ stack }) => new Idc(stack, "sh", { kind: "cloud", region: "cn-shanghai", zones: ["cn-shanghai-a"], consulAddress: "c" })), "use one DcpStack per region");
  });
  it("needs Tablestore locking for OSS state", () => {
    expectError(
      () =>
        synthesizeStacks((a) => [
          topology(a, { backend: { kind: "oss", bucket: "b", tablestoreEndpoint: "", tablestoreTable: "locks" } }).stack,
        ]),
      "OSS backend needs bucket, tablestoreEndpoint and tablestoreTable",
    );
  });
});
