import { writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { Construct } from "constructs";
import { Aspects, ISynthesisSession, LocalBackend, OssBackend, TerraformOutput, TerraformStack, TerraformVariable } from "cdktf";
import { DcpError } from "../model/errors";
import { CONTAINER_TYPES } from "../model/container-types";
import { DesiredState, FleetSpec, PoolSpec } from "../model/desired-state";
import { DataAlicloudImages } from "../.gen/providers/alicloud/data-alicloud-images";
import { AlicloudProvider } from "../.gen/providers/alicloud/provider";
import { readBootstrapScript, renderUserData } from "./bootstrap";
import { DependencyTemplate } from "./dependency-template";
import { resolveDependencies } from "./dependencies";
import { Fleet } from "./fleet";
import { HostBuffer } from "./host-buffer";
import { Idc } from "./idc";
import { LoadBalancer } from "./load-balancer";
import { Network } from "./network";
import { Profile } from "../model/profile";
import { LocalSiteTarget } from "../local-site";
import { LocalHost, planLocalHosts } from "./local-hosts";
import { LocalSiteHosts } from "./local-site-hosts";
import { PROFILE_CONTEXT_KEY } from "./profile";
import { DESIRED_FILE, RuntimeDeploy } from "./runtime-deploy";
import { ResolvedPool, ServicePool } from "./service-pool";
import { FleetSummary, sizeFleets } from "./sizing";
import { addTags, TagResources } from "./tags";

/**
 * The local fleet runs the same pools with far fewer replicas: declared replicas are
 * divided by this and rounded up, with at least one container for a pool that has any.
 * 120 feed-api containers become 3 on a laptop-sized fleet.
 */
export const LOCAL_REPLICA_DIVISOR = 40;

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
   * by {@link LOCAL_REPLICA_DIVISOR}; images replaced by the site's demo image).
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
   * @default site "dcp", image "dcp/demo:1", no host made yet
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

interface Resolved {
  desired: DesiredState;
  summary: FleetSummary;
}

/**
 * A Terraform stack of dcp constructs. At synth time it resolves dependency ratios,
 * sizes the fleets, creates the scaling groups at that size, registers the provider and
 * backend, tags every taggable resource, adds the outputs the runtime needs, and builds
 * the desired state.
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
    const buffers = this.find(HostBuffer);
    const pools = this.find(ServicePool);
    const templates = this.find(DependencyTemplate);
    const balancers = this.find(LoadBalancer);

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

    // Dependency templates declared anywhere in the stack attach to their dependent pool.
    const dependencies = new Map<string, Array<{ pool: string; ratio: number }>>(pools.map((p) => [p.name, []]));
    const seen = new Map<string, string>();
    for (const t of templates) {
      const list = dependencies.get(t.pool);
      if (!list) throw new DcpError(`${t.source}: dependency template names pool "${t.pool}", which is not defined`);
      const key = `${t.pool} → ${t.dependsOn}`;
      if (seen.has(key)) throw new DcpError(`${t.source}: dependency ${key} is declared twice (also at ${seen.get(key)}); keep one`);
      seen.set(key, t.source);
      list.push({ pool: t.dependsOn, ratio: t.ratio });
    }

    const local = this.profile === "local";
    const replicasOf = (p: ServicePool) =>
      local && p.pool.replicas > 0 ? Math.max(1, Math.ceil(p.pool.replicas / LOCAL_REPLICA_DIVISOR)) : p.pool.replicas;
    const effective = resolveDependencies(
      pools.map((p) => ({ name: p.name, replicas: replicasOf(p), dependencies: dependencies.get(p.name)!, source: p.pool.source })),
    );

    const bufferOf = new Map<Fleet, number>();
    for (const b of buffers) bufferOf.set(b.fleet, (bufferOf.get(b.fleet) ?? 0) + b.hosts);
    for (const idc of new Set(pools.flatMap((p) => p.pool.idcs))) {
      if (!fleets.some((f) => f.idc.name === idc)) {
        const users = pools.filter((p) => p.pool.idcs.includes(idc)).map((p) => p.name);
        throw new DcpError(`IDC "${idc}" has no Fleet, but pools ${users.join(", ")} list it; add a Fleet in "${idc}" or remove it from their idcs`);
      }
    }

    let summary: FleetSummary;
    try {
      summary = sizeFleets(
        idcs.map((i) => ({ name: i.name, kind: i.spec.kind })),
        fleets.map((f) => ({ name: f.name, idc: f.idc.name, hostClass: f.hostClass, bufferHosts: bufferOf.get(f) ?? 0, freeHosts: f.freeHosts })),
        pools.map((p) => ({
          name: p.name,
          replicas: replicasOf(p),
          container: CONTAINER_TYPES[p.pool.containerType],
          effectiveReplicas: effective.get(p.name)!,
          idcs: p.pool.idcs,
          // Host networking: two containers of a pool with a fixed port cannot share a host.
          antiAffinity: p.pool.placement.antiAffinity === "host" || p.pool.ports.some((port) => port.port > 0),
        })),
      );
    } catch (err) {
      throw new DcpError(`fleet sizing: ${(err as Error).message}`);
    }

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
    const site = this.props.localSite ?? { name: "dcp", image: "dcp/demo:1", ledger: {} };
    const poolSpecs: PoolSpec[] = pools.map((p) => ({
      ...(local ? withLocalImage(p.pool, site.image) : p.pool),
      replicas: replicasOf(p),
      effectiveReplicas: effective.get(p.name)!,
      dependencies: dependencies.get(p.name)!,
    }));
    const localHosts = local ? this.planLocalHosts(site, idcs, fleets, summary, fleetSpecs) : undefined;
    const desired: DesiredState = { version: 1, idcs: idcs.map((i) => ({ ...i.spec })), fleets: fleetSpecs, pools: poolSpecs };

    if (localHosts) {
      this.addLocalResources(site, localHosts, desired);
    } else {
      this.addCloudResources(idcs, fleets, fleetSpecs, balancers, pools);
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
    );
    for (const spec of specs) spec.hosts = plan.hosts.filter((h) => h.fleet === spec.name).map((h) => h.node);
    summary.local = plan.fleets;
    return plan.hosts;
  }

  private addLocalResources(site: LocalSiteTarget, hosts: LocalHost[], desired: DesiredState): void {
    this.addBackend(undefined, site.name);
    const dcp = this.dcpFromStackDir();
    const siteHosts = new LocalSiteHosts(this, "local-hosts", { site: site.name, hosts, dcp });
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

  private addCloudResources(idcs: Idc[], fleets: Fleet[], specs: FleetSpec[], balancers: LoadBalancer[], pools: ServicePool[]): void {
    const cloudIdcs = idcs.filter((i) => i.isCloud);
    const regions = [...new Set(cloudIdcs.map((i) => i.spec.region!))];
    if (regions.length > 1) {
      throw new DcpError(`DcpStack ${this.node.id}: cloud IDCs in regions ${regions.join(", ")}; Terraform state is per region here: use one DcpStack per region`);
    }
    this.addBackend(regions[0]);
    if (regions.length === 0) return;
    new AlicloudProvider(this, "alicloud", { region: regions[0] });

    const cloudFleets = fleets.filter((f) => f.idc.isCloud);
    for (const n of this.find(Network)) {
      addTags(n, { "dcp:idc": n.idc.name });
      const id = logical(n.idc.name);
      output(this, `${id}_vpc_id`, n.vpc!.id, `VPC of IDC ${n.idc.name}`);
      output(this, `${id}_vswitch_ids`, n.vswitches.map((v) => v.id), `vSwitches of IDC ${n.idc.name}, zone priority order ${n.idc.spec.zones.join(", ")}`);
      output(this, `${id}_security_group_id`, n.securityGroup!.id, `host security group of IDC ${n.idc.name}`);
    }
    if (cloudFleets.length > 0) {
      const tlsVar = (name: string, what: string) =>
        new TerraformVariable(this, name, { type: "string", sensitive: true, description: `${what} (PEM), written to hosts' DCP_TLS_DIR` });
      const tls = {
        caPem: tlsVar("dcp_tls_ca_pem", "CA certificate that signs Docker server and client certificates").stringValue,
        serverCertPem: tlsVar("dcp_tls_server_cert_pem", "Docker server certificate").stringValue,
        serverKeyPem: tlsVar("dcp_tls_server_key_pem", "Docker server private key").stringValue,
      };
      const script = readBootstrapScript(this.projectDir);
      let image: DataAlicloudImages | undefined;
      for (const f of cloudFleets) {
        const spec = specs.find((s) => s.name === f.name)!;
        if (!f.imageId && !image) {
          image = new DataAlicloudImages(this, "host-image", { nameRegex: "^ubuntu_22_04_x64", owners: "system", mostRecent: true });
        }
        addTags(f, { "dcp:fleet": f.name, "dcp:idc": f.idc.name });
        f.materialize({
          desiredHosts: spec.desiredHosts,
          bufferHosts: spec.bufferHosts,
          imageId: f.imageId ?? image!.images.get(0).id,
          userData: renderUserData(
            script,
            {
              idc: f.idc.name,
              fleet: f.name,
              cpu: f.hostClass.cpu,
              memoryMiB: f.hostClass.memoryMiB,
              consulJoin: f.idc.spec.consulAddress,
              kvRoot: this.props.kvRoot ?? "dcp",
            },
            tls,
          ),
        });
        output(this, `${logical(f.name)}_scaling_group_ids`, f.scalingGroups.map((g) => g.id), `ESS scaling groups of fleet ${f.name}`);
      }
    }
    for (const lb of balancers) {
      const pool = pools.find((p) => p === lb.pool)!;
      addTags(lb, { "dcp:pool": pool.name, owner: pool.pool.owner, "cost-centre": pool.pool.costCentre });
      lb.attachScalingGroups();
      output(this, `${logical(pool.name)}_slb_address`, lb.slb!.address, `SLB address of entry pool ${pool.name}`);
    }
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

/** The local image replaces the pool's, so the pool's command (meant for its own image) goes too. */
function withLocalImage(pool: ResolvedPool, image: string): ResolvedPool {
  const { command: _command, ...rest } = pool;
  return { ...rest, image };
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
