import { Construct } from "constructs";
import { Aspects, LocalBackend, OssBackend, TerraformOutput, TerraformStack, TerraformVariable } from "cdktf";
import { DcpError } from "../model/errors";
import { CONTAINER_TYPES } from "../model/container-types";
import { DesiredState, FleetSpec, PoolSpec } from "../model/desired-state";
import { DataAlicloudImages } from "../.gen/providers/alicloud/data-alicloud-images";
import { AlicloudProvider } from "../.gen/providers/alicloud/provider";
import { readBootstrapScript, renderUserData } from "./bootstrap";
import { DependencyTemplate } from "./dependency-template";
import { resolveDependencies } from "../model/dependencies";
import { AutoscaleSpec } from "../model/autoscale";
import { Fleet } from "./fleet";
import { HostBuffer } from "./host-buffer";
import { Idc } from "./idc";
import { LoadBalancer } from "./load-balancer";
import { Network } from "./network";
import { Profile } from "../model/profile";
import { PROFILE_CONTEXT_KEY } from "./profile";
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
   * `cloud`: Terraform for Alibaba Cloud. `local`: the local fleet of `dcp up` (no host,
   * network or load balancer resources; replicas divided by {@link LOCAL_REPLICA_DIVISOR};
   * images replaced by `localImage`).
   * @default "cloud"
   */
  readonly profile?: Profile;
  /**
   * Project directory; cloud user data embeds `<projectDir>/hosts/bootstrap.sh`.
   * @default process.cwd()
   */
  readonly projectDir?: string;
  /**
   * Image every pool runs in the local profile.
   * @default "dcp/demo:1"
   */
  readonly localImage?: string;
  /** @default { kind: "local" } */
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
    const scaled = (n: number) => (local && n > 0 ? Math.max(1, Math.ceil(n / LOCAL_REPLICA_DIVISOR)) : n);
    const replicasOf = (p: ServicePool) => scaled(p.pool.replicas);
    checkEntryPools(pools);
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
          antiAffinity: p.pool.placement.antiAffinity === "host",
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
    const poolSpecs: PoolSpec[] = pools.map((p) => ({
      ...(local ? withLocalImage(p.pool, this.props.localImage ?? "dcp/demo:1") : p.pool),
      ...(p.pool.autoscale ? { autoscale: scaledBounds(p.pool.autoscale, scaled) } : {}),
      replicas: replicasOf(p),
      effectiveReplicas: effective.get(p.name)!,
      dependencies: dependencies.get(p.name)!,
    }));

    if (!local) this.addCloudResources(idcs, fleets, fleetSpecs, balancers, pools);

    this.resolved = { desired: { version: 1, idcs: idcs.map((i) => ({ ...i.spec })), fleets: fleetSpecs, pools: poolSpecs }, summary };
    return this.resolved;
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

  private addBackend(region: string | undefined): void {
    const b = this.props.backend ?? { kind: "local" };
    if (b.kind === "local") {
      new LocalBackend(this, { path: b.path ?? `terraform.${this.node.id}.tfstate` });
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
