import { writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { Construct } from "constructs";
import { Aspects, ISynthesisSession, LocalBackend, OssBackend, TerraformOutput, TerraformStack, TerraformVariable } from "cdktf";
import { DcpError } from "../model/errors";
import { DesiredState, FleetSpec, IdcSpec, PoolSpec } from "../model/desired-state";
import { AlicloudProvider } from "../.gen/providers/alicloud/provider";
import { HostCertificates, readBootstrapScript, renderUserData } from "./bootstrap";
import { DependencyTemplate } from "./dependency-template";
import { resolveDependencies } from "../model/dependencies";
import { AutoscaleSpec } from "../model/autoscale";
import { Fleet } from "./fleet";
import { HostBuffer } from "./host-buffer";
import { Idc } from "./idc";
import { LoadBalancer } from "./load-balancer";
import { Network } from "./network";
import { isPrivateName, registryHostOf } from "./private-dns";
import { Profile } from "../model/profile";
import { DEFAULT_SITE, LocalHost, LocalSiteTarget, refillHostsFile, stateDirOf } from "../local-site";
import { planLocalHosts } from "./local-hosts";
import { LocalSiteHosts } from "./local-site-hosts";
import { PROFILE_CONTEXT_KEY } from "./profile";
import { DESIRED_FILE, RuntimeDeploy } from "./runtime-deploy";
import { ResolvedPool, ServicePool } from "./service-pool";
import { FleetSummary, sizeFleets, sizingPoolOf } from "./sizing";
import { addTags, TagResources } from "./tags";

/**
 * The local fleet runs the same pools with far fewer replicas: declared replicas are
 * divided by this and rounded up, with at least one container for a pool that has any.
 * 120 feed-api containers become 3 on a laptop-sized fleet.
 */
export const LOCAL_REPLICA_DIVISOR = 40;
/** Terraform (or OpenTofu) versions the synthesized JSON is written for. */
export const REQUIRED_TERRAFORM_VERSION = ">= 1.5.0, < 2.0.0";
/** The provider release whose schema the bindings and the schema tests come from, and its patch releases. */
export const ALICLOUD_PROVIDER_VERSION = "~> 1.289.0";

export type BackendOptions =
  | { readonly kind: "local"; /** @default "terraform.<stack id>.tfstate" */ readonly path?: string }
  | {
      readonly kind: "oss";
      readonly bucket: string;
      /** @default "dcp" */
      readonly prefix?: string;
      /** @default "<stack id>.tfstate" */
      readonly key?: string;
      /** @default the cloud IDC's region */
      readonly region?: string;
      /** Tablestore endpoint and table (primary key LockID, String) that lock the state. */
      readonly tablestoreEndpoint: string;
      readonly tablestoreTable: string;
    };

export interface DcpStackProps {
  /**
   * `cloud`: Terraform for Alibaba Cloud. `local`: the local site of `dcp up` (its hosts
   * as built-in `terraform_data` resources, no network or load balancer; replicas divided
   * by {@link LOCAL_REPLICA_DIVISOR}; images replaced by the site's demo image, or its
   * entry image for pools that follow upstreams).
   * @default "cloud"
   */
  readonly profile?: Profile;
  /**
   * Project directory; cloud user data embeds `<projectDir>/hosts/bootstrap.sh`.
   * @default process.cwd()
   */
  readonly projectDir?: string;
  /**
   * The local site the local profile deploys onto (localSiteTarget() in local-site reads it).
   * @default site "dcp", images "dcp/demo:1" and "dcp/entry:1", no host made yet
   */
  readonly localSite?: LocalSiteTarget;
  /**
   * Where cdktf writes the stacks; the runtime and host provisioners call `dcp` relative
   * to `<outDir>/stacks/<stack>`, where Terraform runs.
   * @default "<projectDir>/cdktf.out"
   */
  readonly outDir?: string;
  /**
   * The `dcp` command the provisioners run.
   * @default "<projectDir>/bin/dcp"
   */
  readonly dcpCommand?: string;
  /** @default { kind: "local" }: `terraform.<stack>.tfstate`, on the local profile `terraform.<stack>.<site>.tfstate` */
  readonly backend?: BackendOptions;
  /** Owner tag of shared infrastructure (networks, fleets). @default "platform-team" */
  readonly owner?: string;
  /** Cost-centre tag of shared infrastructure. @default "platform" */
  readonly costCentre?: string;
  /** Consul KV root the hosts and runtime use. @default "dcp" */
  readonly kvRoot?: string;
}

/** Something the stack needs from outside before its first apply. */
export interface StackInput {
  /** A Terraform variable name, or what is reached (e.g. "aliyun-bj: host enrolment"). */
  name: string;
  /** `variable`: set it as for any Terraform variable (TF_VAR_<name>, -var-file); `over the IDC link`: must answer there. */
  kind: "variable" | "over the IDC link";
  description: string;
}

interface Resolved {
  desired: DesiredState;
  summary: FleetSummary;
}

/**
 * A Terraform stack of dcp constructs. At synth time it resolves dependency ratios,
 * sizes the fleets, creates the scaling groups and Consul servers, registers the provider
 * and backend, tags every taggable resource, adds the outputs the runtime needs, and
 * builds the desired state.
 */
export class DcpStack extends TerraformStack {
  readonly profile: Profile;
  readonly projectDir: string;
  private readonly props: DcpStackProps;
  private resolved?: Resolved;

  constructor(scope: Construct, id: string, props: DcpStackProps = {}) {
    super(scope, id);
    this.profile = props.profile ?? "cloud";
    if (this.profile !== "cloud" && this.profile !== "local") {
      throw new DcpError(`DcpStack ${id}: profile must be "cloud" or "local" (got "${String(this.profile)}")`);
    }
    this.node.setContext(PROFILE_CONTEXT_KEY, this.profile);
    this.projectDir = props.projectDir ?? process.cwd();
    this.props = props;
    this.writeDesiredStateOnSynth();
    addTags(this, { "managed-by": "dcp", owner: props.owner ?? "platform-team", "cost-centre": props.costCentre ?? "platform" });
    Aspects.of(this).add(new TagResources());
  }

  /** The desired state for the runtime. Resolves the stack once, on first use: add every construct before reading it. */
  get desiredState(): DesiredState {
    return this.resolve().desired;
  }

  /** Pool → replicas → hosts → fleet, and each fleet's size. */
  get summary(): FleetSummary {
    return this.resolve().summary;
  }

  /** What the first apply needs from outside: Terraform variables, and services reached over the IDC link. */
  get inputs(): StackInput[] {
    this.resolve();
    const variables = this.find(TerraformVariable).map((v): StackInput => ({ name: v.friendlyUniqueId, kind: "variable", description: v.description ?? "" }));
    const overLink = this.find(Network).flatMap((n): StackInput[] => [
      { name: `${n.idc.name}: host enrolment`, kind: "over the IDC link", description: `${n.hostEnrolmentUrl} signs each host's certificate and issues its Consul agent token` },
      ...n.imageRegistries.map((r): StackInput => ({ name: `${n.idc.name}: registry ${r.host}`, kind: "over the IDC link", description: `${r.address} serves ${r.host} (PrivateZone record in the VPC)` })),
      ...(n.idc.spec.consulAddress ? [{ name: `${n.idc.name}: Consul`, kind: "over the IDC link" as const, description: `hosts join ${n.idc.spec.consulAddress}` }] : []),
    ]);
    return [...variables, ...overLink];
  }

  prepareStack(): void {
    this.resolve();
    super.prepareStack();
  }

  /** desired.json next to the stack's cdk.tf.json: what the runtime resource applies. */
  private writeDesiredStateOnSynth(): void {
    const synthesizer = this.synthesizer;
    this.synthesizer = {
      synthesize: (session: ISynthesisSession) => {
        synthesizer.synthesize(session);
        const stackDir = join(session.manifest.outdir, session.manifest.forStack(this).synthesizedStackPath, "..");
        writeFileSync(join(stackDir, DESIRED_FILE), JSON.stringify(this.desiredState, null, 2) + "\n");
      },
    };
  }

  /** The `dcp` command as seen from the stack's directory, where Terraform runs its provisioners. */
  private dcpFromStackDir(): string {
    const stackDir = join(this.props.outDir ?? join(this.projectDir, "cdktf.out"), "stacks", this.node.id);
    return relative(stackDir, this.props.dcpCommand ?? join(this.projectDir, "bin", "dcp"));
  }

  private find<T>(type: abstract new (...args: never[]) => T): T[] {
    return this.node.findAll().filter((c): c is Construct & T => c instanceof type);
  }

  private resolve(): Resolved {
    if (this.resolved) return this.resolved;
    const idcs = this.find(Idc);
    const fleets = this.find(Fleet);
    const pools = this.find(ServicePool);
    this.checkNames(idcs, fleets, pools);

    const local = this.profile === "local";
    const scaled = (n: number) => (local && n > 0 ? Math.max(1, Math.ceil(n / LOCAL_REPLICA_DIVISOR)) : n);
    const replicasOf = (p: ServicePool) => scaled(p.pool.replicas);
    checkEntryPools(pools);
    const dependencies = this.dependencyTemplates(pools);
    const effective = resolveDependencies(
      pools.map((p) => ({ name: p.name, replicas: replicasOf(p), dependencies: dependencies.get(p.name)!, source: p.pool.source })),
    );
    const summary = this.size(idcs, fleets, pools, replicasOf, effective);

    const fleetSpecs: FleetSpec[] = fleets.map((f) => {
      const s = summary.fleets.find((x) => x.fleet === f.name)!;
      return {
        name: f.name,
        idc: f.idc.name,
        hostClass: { ...f.hostClass },
        instanceTypes: [...f.instanceTypes],
        chargeType: f.chargeType,
        hostsForPools: s.hostsForPools,
        bufferHosts: s.bufferHosts,
        freeHosts: s.freeHosts,
        desiredHosts: s.desiredHosts,
      };
    });
    const site = this.props.localSite ?? { name: DEFAULT_SITE, image: "dcp/demo:1", entryImage: "dcp/entry:1", ledger: {}, refills: {}, refillHostsFile: refillHostsFile({ stateDir: stateDirOf(DEFAULT_SITE) }) };
    const poolSpecs: PoolSpec[] = pools.map((p) => {
      const constrained = withFleetConstraints(p.pool, fleets);
      return {
        ...(local ? withLocalImage(constrained, site.image, site.entryImage) : constrained),
        ...(p.pool.autoscale ? { autoscale: scaledBounds(p.pool.autoscale, scaled) } : {}),
        replicas: replicasOf(p),
        effectiveReplicas: effective.get(p.name)!,
        dependencies: dependencies.get(p.name)!,
      };
    });

    const localHosts = local ? this.planLocalHosts(site, idcs, fleets, summary, fleetSpecs) : undefined;
    const networks = this.find(Network);
    const desired: DesiredState = { version: 1, idcs: idcs.map((i) => idcSpec(i, networks)), fleets: fleetSpecs, pools: poolSpecs };
    if (localHosts) {
      this.addLocalResources(site, localHosts, desired);
    } else {
      checkRegistries(pools, networks);
      this.addCloudResources(idcs, fleets, fleetSpecs, networks);
      this.addCloudRuntime(fleets, fleetSpecs, desired);
    }
    this.resolved = { desired, summary };
    return this.resolved;
  }

  /** The local site's hosts per fleet (same sizing, capped); each fleet's spec lists its hosts so the runtime knows which stay. */
  private planLocalHosts(site: LocalSiteTarget, idcs: Idc[], fleets: Fleet[], summary: FleetSummary, specs: FleetSpec[]): LocalHost[] {
    const plan = planLocalHosts(
      site.name,
      summary.fleets.map((s) => {
        const idc = idcs.find((i) => i.name === s.idc)!;
        const fleet = fleets.find((f) => f.name === s.fleet)!;
        return { name: s.fleet, idc: s.idc, zones: idc.spec.zones, cloud: idc.isCloud, hostClass: fleet.hostClass, hostsForPools: s.hostsForPools, bufferHosts: s.bufferHosts };
      }),
      site.ledger,
      site.refills,
    );
    for (const spec of specs) spec.hosts = plan.hosts.filter((h) => h.fleet === spec.name).map((h) => h.node);
    summary.local = plan.fleets;
    return plan.hosts;
  }

  private addLocalResources(site: LocalSiteTarget, hosts: LocalHost[], desired: DesiredState): void {
    this.addBackend(undefined, site.name);
    const dcp = this.dcpFromStackDir();
    const siteHosts = new LocalSiteHosts(this, "local-hosts", { site: site.name, hosts, dcp, refillHostsFile: site.refillHostsFile });
    new RuntimeDeploy(this, "runtime-deploy", {
      profile: "local",
      desired,
      hostSet: hosts.map((h) => `${h.node}@${h.generation}`),
      after: [siteHosts.resource],
      dcp,
      site: site.name,
    });
  }

  /** The runtime after the scaling groups: it waits for their new hosts' init status, then applies. */
  private addCloudRuntime(fleets: Fleet[], specs: FleetSpec[], desired: DesiredState): void {
    const groups = fleets.flatMap((f) => f.scalingGroups);
    new RuntimeDeploy(this, "runtime-deploy", {
      profile: "cloud",
      desired,
      hostSet: [
        ...specs.filter((s) => fleets.some((f) => f.name === s.name && f.idc.isCloud)).map((s) => `${s.name}=${s.desiredHosts}`),
        ...groups.map((g) => g.id),
      ],
      after: groups,
      dcp: this.dcpFromStackDir(),
    });
  }

  private checkNames(idcs: Idc[], fleets: Fleet[], pools: ServicePool[]): void {
    unique("IDC", idcs.map((i) => [i.name, i.node.path]));
    unique("fleet", fleets.map((f) => [f.name, f.node.path]));
    unique("pool", pools.map((p) => [p.name, p.pool.source]));
    unique("upstream", pools.filter((p) => p.pool.upstream).map((p) => [p.pool.upstream!.name, p.sourceOf("upstream.name")]));
    for (const f of fleets) {
      if (!idcs.includes(f.idc)) throw new DcpError(`Fleet ${f.node.path}: its IDC "${f.idc.name}" belongs to another stack; create fleets in the stack of their IDC`);
    }
    const idcNames = new Set(idcs.map((i) => i.name));
    for (const p of pools) {
      p.pool.idcs.forEach((name, i) => {
        if (!idcNames.has(name)) {
          throw new DcpError(`${p.sourceOf(`idcs[${i}]`)}: pool "${p.name}": idcs[${i}]: IDC "${name}" is not defined; defined IDCs: ${[...idcNames].join(", ") || "none"}`);
        }
      });
    }
    for (const idc of new Set(pools.flatMap((p) => p.pool.idcs))) {
      if (!fleets.some((f) => f.idc.name === idc)) {
        const users = pools.filter((p) => p.pool.idcs.includes(idc)).map((p) => p.name);
        throw new DcpError(`IDC "${idc}" has no Fleet, but pools ${users.join(", ")} list it; add a Fleet in "${idc}" or remove it from their idcs`);
      }
    }
  }

  /** Dependency templates declared anywhere in the stack, attached to their dependent pool. */
  private dependencyTemplates(pools: ServicePool[]): Map<string, Array<{ pool: string; ratio: number }>> {
    const dependencies = new Map<string, Array<{ pool: string; ratio: number }>>(pools.map((p) => [p.name, []]));
    const seen = new Map<string, string>();
    for (const t of this.find(DependencyTemplate)) {
      const list = dependencies.get(t.pool);
      if (!list) throw new DcpError(`${t.source}: dependency template names pool "${t.pool}", which is not defined`);
      const key = `${t.pool} → ${t.dependsOn}`;
      if (seen.has(key)) throw new DcpError(`${t.source}: dependency ${key} is declared twice (also at ${seen.get(key)}); keep one`);
      seen.set(key, t.source);
      list.push({ pool: t.dependsOn, ratio: t.ratio });
    }
    return dependencies;
  }

  private size(idcs: Idc[], fleets: Fleet[], pools: ServicePool[], replicasOf: (p: ServicePool) => number, effective: Map<string, number>): FleetSummary {
    const bufferOf = new Map<Fleet, number>();
    for (const b of this.find(HostBuffer)) {
      if (b.fleet.dedicatedPool) {
        throw new DcpError(`HostBuffer ${b.node.path}: fleet "${b.fleet.name}" serves only pool "${b.fleet.dedicatedPool}" behind a load balancer, where every host is a backend; an unassigned buffer host would be an unhealthy backend — remove the buffer`);
      }
      bufferOf.set(b.fleet, (bufferOf.get(b.fleet) ?? 0) + b.hosts);
    }
    try {
      return sizeFleets(
        idcs.map((i) => ({ name: i.name, kind: i.spec.kind })),
        fleets.map((f) => ({ name: f.name, idc: f.idc.name, hostClass: f.hostClass, bufferHosts: bufferOf.get(f) ?? 0, freeHosts: f.freeHosts, dedicatedTo: f.dedicatedPool })),
        pools.map((p) => sizingPoolOf(p.pool, replicasOf(p), effective.get(p.name)!)),
      );
    } catch (err) {
      throw new DcpError(`fleet sizing: ${(err as Error).message}`);
    }
  }

  private addCloudResources(idcs: Idc[], fleets: Fleet[], specs: FleetSpec[], networks: Network[]): void {
    const regions = [...new Set(idcs.filter((i) => i.isCloud).map((i) => i.spec.region!))];
    if (regions.length > 1) {
      throw new DcpError(`DcpStack ${this.node.id}: cloud IDCs in regions ${regions.join(", ")}; Terraform state is per region here: use one DcpStack per region`);
    }
    this.addBackend(regions[0]);
    if (regions.length === 0) return;
    new AlicloudProvider(this, "alicloud", { region: regions[0] });
    this.addOverride("terraform.required_version", REQUIRED_TERRAFORM_VERSION);
    this.addOverride("terraform.required_providers.alicloud.version", ALICLOUD_PROVIDER_VERSION);

    const cloudFleets = fleets.filter((f) => f.idc.isCloud);
    for (const n of networks) checkAddressRoom(n, cloudFleets.filter((f) => f.network === n));
    const image = cloudFleets.length > 0 || networks.some((n) => n.consulServers) ? hostImageVariable(this) : undefined;
    const script = image ? readBootstrapScript(this.projectDir) : "";
    for (const n of networks) {
      addTags(n, { "dcp:idc": n.idc.name });
      n.consulServers?.materialize({ imageId: image!, userData: renderUserData(script, { role: "consul-server", consulJoin: n.consulJoin, bootstrapExpect: n.consulServers.count }) });
      this.networkOutputs(n);
    }
    const certificates = cloudFleets.length > 0 ? certificateVariables(this) : undefined;
    for (const f of cloudFleets) {
      const network = f.network!;
      addTags(f, { "dcp:fleet": f.name, "dcp:idc": f.idc.name });
      f.materialize({
        desiredHosts: specs.find((s) => s.name === f.name)!.desiredHosts,
        imageId: image!,
        dependsOn: network.hostPrerequisites,
        userData: renderUserData(
          script,
          { role: "host", idc: f.idc.name, fleet: f.name, cpu: f.hostClass.cpu, memoryMiB: f.hostClass.memoryMiB, consulJoin: network.consulJoin, kvRoot: this.props.kvRoot ?? "dcp", enrolmentUrl: network.hostEnrolmentUrl },
          certificates,
        ),
      });
      output(this, `${logical(f.name)}_scaling_groups`, f.zoneGroups.map((z) => ({ zone: z.zone, priority: z.priority, ids: z.groups.map((g) => g.id) })), `ESS scaling groups of fleet ${f.name} per zone, in zone priority order`);
    }
    for (const lb of this.find(LoadBalancer)) {
      const pool = lb.pool;
      addTags(lb, { "dcp:pool": pool.name, owner: pool.pool.owner, "cost-centre": pool.pool.costCentre });
      lb.attachScalingGroups();
      if (lb.slb) output(this, `${logical(pool.name)}_slb_address`, lb.slb.address, `SLB address of entry pool ${pool.name}`);
    }
  }

  private networkOutputs(n: Network): void {
    if (!n.vpc) return;
    const id = logical(n.idc.name);
    output(this, `${id}_vpc_id`, n.vpc.id, `VPC of IDC ${n.idc.name}`);
    output(this, `${id}_vswitch_ids`, n.vswitches.map((v) => v.id), `host vSwitches of IDC ${n.idc.name}, zone priority order ${n.idc.spec.zones.join(", ")}`);
    output(this, `${id}_security_group_id`, n.securityGroup!.id, `host security group of IDC ${n.idc.name}`);
    if (n.consulServers) output(this, `${id}_consul_servers`, n.consulServers.addresses, `fixed addresses of the Consul servers of IDC ${n.idc.name}`);
  }

  /** `site`: the local profile keeps one state per local site, so one checkout can deploy onto several. */
  private addBackend(region: string | undefined, site?: string): void {
    const b = this.props.backend ?? { kind: "local" };
    if (b.kind === "local") {
      new LocalBackend(this, { path: b.path ?? `terraform.${this.node.id}${site ? `.${site}` : ""}.tfstate` });
      return;
    }
    if (!b.bucket || !b.tablestoreEndpoint || !b.tablestoreTable) {
      throw new DcpError(`DcpStack ${this.node.id}: an OSS backend needs bucket, tablestoreEndpoint and tablestoreTable (the table locks the state)`);
    }
    const ossRegion = b.region ?? region;
    if (!ossRegion) throw new DcpError(`DcpStack ${this.node.id}: set backend.region; the stack has no cloud IDC to take it from`);
    new OssBackend(this, {
      bucket: b.bucket,
      prefix: b.prefix ?? "dcp",
      key: b.key ?? `${this.node.id}.tfstate`,
      region: ossRegion,
      tablestoreEndpoint: b.tablestoreEndpoint,
      tablestoreTable: b.tablestoreTable,
      encrypt: true,
    });
  }
}

/**
 * Each zone's groups may have to hold a whole fleet (spill-over), so each host vSwitch
 * must have an address for every host of every fleet on it; Alibaba Cloud keeps the first
 * and the last three addresses of a vSwitch.
 */
function checkAddressRoom(network: Network, fleets: Fleet[]): void {
  const prefix = Number(network.vswitchCidrs[0].split("/")[1]);
  const room = 2 ** (32 - prefix) - 4;
  const wanted = fleets.reduce((n, f) => n + f.maxHosts, 0);
  if (wanted > room) {
    throw new DcpError(
      `Network ${network.node.path}: fleets ${fleets.map((f) => `${f.name} (maxHosts ${f.maxHosts})`).join(", ")} may put ${wanted} hosts in one zone, but a /${prefix} vSwitch has ${room} addresses; use a shorter vswitchPrefixLength or lower maxHosts`,
    );
  }
}

/** The IDC as the runtime sees it: a cloud IDC whose Network creates the servers joins those. */
function idcSpec(idc: Idc, networks: Network[]): IdcSpec {
  const consulAddress = idc.spec.consulAddress ?? networks.find((n) => n.idc === idc)?.consulJoin;
  if (consulAddress === undefined) throw new DcpError(`Idc ${idc.node.path}: cloud IDC "${idc.name}" has neither consulAddress nor a Network that creates Consul servers; add its Network`);
  return { ...idc.spec, consulAddress };
}

/** An autoscaled pool's entry pool, the one whose statistics count its requests, is a pool of the stack. */
function checkEntryPools(pools: ServicePool[]): void {
  const names = new Set(pools.map((p) => p.name));
  for (const p of pools) {
    const entry = p.pool.autoscale?.metric.requestsPerSecond?.entryPool;
    if (entry === undefined || names.has(entry)) continue;
    const field = "autoscale.metric.requestsPerSecond.entryPool";
    throw new DcpError(`${p.sourceOf(field)}: pool "${p.name}": ${field}: "${entry}" is not a pool of the stack; name the entry tier's pool (e.g. nginx-entry)`);
  }
}

/** Autoscale bounds follow the replicas (the local profile divides both). */
function scaledBounds(autoscale: AutoscaleSpec, scaled: (n: number) => number): AutoscaleSpec {
  return { ...autoscale, min: scaled(autoscale.min), max: scaled(autoscale.max), schedule: autoscale.schedule.map((w) => ({ ...w, min: scaled(w.min) })) };
}

/**
 * The local image replaces the pool's, so the pool's command (meant for its own image) goes
 * too. An entry tier runs the local entry image, told the upstreams it follows.
 */
function withLocalImage(pool: ResolvedPool, image: string, entryImage: string): ResolvedPool {
  const { command: _command, ...rest } = pool;
  if (!pool.follows) return { ...rest, image };
  return { ...rest, image: entryImage, env: { ...pool.env, UPSYNC_UPSTREAMS: pool.follows.upstreams.join(",") } };
}

/**
 * A fleet behind a load balancer runs its entry pool and nothing else: the entry pool is
 * constrained to it, every other pool of that IDC away from it (the scheduler's constraint
 * filter). The local site makes that fleet's hosts too, so both profiles place the same
 * way, and no pool takes a buffer host that sizing kept for scale-outs.
 */
function withFleetConstraints(pool: ResolvedPool, fleets: Fleet[]): ResolvedPool {
  const added = fleets
    .filter((f) => f.dedicatedPool && pool.idcs.includes(f.idc.name))
    .map((f) => (f.dedicatedPool === pool.name ? `fleet==${f.name}` : `fleet!=${f.name}`));
  return added.length === 0 ? pool : { ...pool, placement: { ...pool.placement, constraints: [...pool.placement.constraints, ...added] } };
}

/**
 * Every image a cloud IDC runs must come from a registry that resolves there: one the
 * IDC's Network declares (PrivateZone), or a public one when the hosts have NAT egress.
 */
function checkRegistries(pools: ServicePool[], networks: Network[]): void {
  for (const p of pools) {
    for (const n of networks.filter((n) => p.pool.idcs.includes(n.idc.name))) {
      const host = registryHostOf(p.pool.image);
      if (n.imageRegistries.some((r) => r.host === host)) continue;
      const why = isPrivateName(host) ? "a private name" : n.egress ? undefined : "public, but the network has no NAT egress";
      if (why) {
        throw new DcpError(
          `${p.sourceOf("image")}: pool "${p.name}": image ${p.pool.image} comes from ${host}, ${why}, which does not resolve inside the VPC of IDC "${n.idc.name}"; declare it in that Network's imageRegistries (a PrivateZone record to a mirror) or use a registry reachable there`,
        );
      }
    }
  }
}

function hostImageVariable(stack: DcpStack): string {
  const v = new TerraformVariable(stack, "dcp_host_image_id", {
    type: "string",
    description: "The dcp host image (hosts/image/README.md): a custom image m-… with Docker Engine, Consul, curl and openssl; every host and Consul server boots it",
    validation: [{ condition: '${can(regex("^m-[0-9a-z]+$", var.dcp_host_image_id))}', errorMessage: "Use the id (m-…) of the custom image built from hosts/image, not a public image." }],
  });
  return v.stringValue;
}

function certificateVariables(stack: DcpStack): HostCertificates {
  const pem = (name: string, description: string) =>
    new TerraformVariable(stack, name, {
      type: "string",
      description,
      validation: [{ condition: `\${can(regex("-----BEGIN CERTIFICATE-----", var.${name}))}`, errorMessage: "A PEM certificate (public; never a private key)." }],
    }).stringValue;
  return {
    dockerClientCaPem: pem("dcp_docker_client_ca_pem", "CA certificate (PEM, public) that signs the runtime's Docker client certificates; hosts' dockerd admit only clients it signed"),
    hostCaPem: pem("dcp_host_ca_pem", "CA certificate (PEM, public) of the host enrolment service, which signs each host's Docker server certificate"),
  };
}

function unique(kind: string, entries: Array<[string, string]>): void {
  const first = new Map<string, string>();
  for (const [name, where] of entries) {
    const prev = first.get(name);
    if (prev !== undefined) throw new DcpError(`${kind} "${name}" is defined twice: ${prev} and ${where}; rename one`);
    first.set(name, where);
  }
}

function logical(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, "_");
}

function output(stack: DcpStack, name: string, value: unknown, description: string): void {
  const o = new TerraformOutput(stack, name, { value, description });
  o.overrideLogicalId(name);
}
