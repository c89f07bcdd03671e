import { Construct } from "constructs";
import { DcpError } from "../model/errors";
import { CONTAINER_TYPE_NAMES, CONTAINER_TYPES, isContainerType, Resources } from "../model/container-types";
import {
  HealthCheckSpec,
  PlacementSpec,
  PlacementStrategy,
  PoolDefinition,
  PortSpec,
  UpstreamSpec,
} from "../model/desired-state";
import { DependencyTemplate } from "./dependency-template";
import { checkCount, checkName } from "./validation";

/** Documented defaults of a pool; the TSDoc of {@link ServicePoolProps} refers to these. */
export const POOL_DEFAULTS = {
  strategy: "spread" as PlacementStrategy,
  healthCheck: { intervalSeconds: 5, timeoutSeconds: 2 },
  upstream: { weight: 20, maxFails: 2, failTimeoutSeconds: 10 },
} as const;

/**
 * A pool as declared. Same fields as a pool file. Defaults applied by the construct:
 * - `ports`: `[]` (no ports: no upstream, no health check)
 * - `healthCheck`: when the pool has ports, `GET /health` on the first port every 5 s
 *   with a 2 s timeout; `intervalSeconds` 5 and `timeoutSeconds` 2 when only path/port are given
 * - `upstream`: none; when given, `weight` 20 (cloud hosts get weight × the IDC's
 *   cloudWeightFactor), `maxFails` 2, `failTimeoutSeconds` 10
 * - `placement`: strategy `spread`, no anti-affinity, no constraints
 * - `dependencies`: none; `env`: `{}`; `command`: the image's
 * - `source`: the construct path; `fieldSources`: none (errors name `source`)
 */
export type ServicePoolProps = PoolDefinition;

const IMAGE_PATTERN =
  /^(?:[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?::\d{1,5})?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;
const CONSTRAINT_PATTERN = /^([A-Za-z0-9_.-]+)(==|!=)(\S+)$/;
const PORT_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_]*$/;
const UPSTREAM_NAME_PATTERN = /^[A-Za-z0-9_]+$/;
const STRATEGIES: PlacementStrategy[] = ["binpack", "spread", "random"];

/** The pool with defaults applied; dependency ratios are resolved later by the stack. */
export interface ResolvedPool {
  name: string;
  image: string;
  containerType: PoolDefinition["containerType"];
  replicas: number;
  idcs: string[];
  ports: PortSpec[];
  healthCheck?: HealthCheckSpec;
  upstream?: UpstreamSpec;
  placement: PlacementSpec;
  owner: string;
  costCentre?: string;
  env: Record<string, string>;
  command?: string[];
  source: string;
}

/**
 * A pool of identical containers of one standard type, spread over one or more IDCs
 * in preference order. Its `dependencies` become {@link DependencyTemplate}s.
 */
export class ServicePool extends Construct {
  readonly pool: ResolvedPool;
  private readonly fieldSources: Record<string, string>;

  constructor(scope: Construct, id: string, props: ServicePoolProps) {
    super(scope, id);
    const source = props.source ?? `ServicePool ${this.node.path}`;
    this.fieldSources = { ...(props.fieldSources ?? {}) };
    const at = (field: string) => `${this.sourceOf(field, source)}: pool "${props.name}": ${field}`;
    checkName("pool", props.name, source);
    if (!IMAGE_PATTERN.test(props.image)) {
      throw new DcpError(`${at("image")} "${props.image}" is not an image reference; use [registry[:port]/]name[:tag], e.g. registry.local/feed-api:1.4.2`);
    }
    if (!isContainerType(props.containerType)) {
      throw new DcpError(`${at("containerType")} must be one of ${CONTAINER_TYPE_NAMES.join(", ")} (got "${props.containerType}")`);
    }
    checkCount("replicas", props.replicas, `${this.sourceOf("replicas", source)}: pool "${props.name}"`);
    if (props.idcs.length === 0) throw new DcpError(`${at("idcs")} must list at least one IDC, in preference order`);
    const dupIdc = props.idcs.find((x, i) => props.idcs.indexOf(x) !== i);
    if (dupIdc) throw new DcpError(`${at("idcs")} lists "${dupIdc}" twice; list each IDC once`);
    if (!props.owner || !props.owner.trim()) throw new DcpError(`${at("owner")} is required: the team that owns the pool (it tags its hosts)`);

    const ports = props.ports ?? [];
    ports.forEach((p, i) => {
      if (!PORT_NAME_PATTERN.test(p.name)) {
        throw new DcpError(`${at(`ports[${i}].name`)} "${p.name}" must be letters, digits and "_" (it becomes env PORT_${p.name.toUpperCase()})`);
      }
      if (!Number.isInteger(p.port) || p.port < 0 || p.port > 65535) {
        throw new DcpError(`${at(`ports[${i}].port`)} must be an integer 0-65535, 0 for a dynamic port (got ${p.port})`);
      }
    });
    const dupName = ports.find((p, i) => ports.findIndex((q) => q.name === p.name) !== i);
    if (dupName) throw new DcpError(`${at("ports")} name "${dupName.name}" is used twice; port names must be unique`);
    const dupPort = ports.find((p, i) => p.port !== 0 && ports.findIndex((q) => q.port === p.port) !== i);
    if (dupPort) throw new DcpError(`${at("ports")} port ${dupPort.port} is used twice; ports must be unique (0 = dynamic may repeat)`);

    const healthCheck = this.healthCheck(props, ports, at);
    const upstream = this.upstream(props, ports, at);
    const placement = this.placement(props, at);

    for (const [i, d] of (props.dependencies ?? []).entries()) {
      new DependencyTemplate(this, `dependency-${i}`, { pool: props.name, dependsOn: d.pool, ratio: d.ratio, source: this.sourceOf(`dependencies[${i}]`, source) });
    }
    for (const k of Object.keys(props.env ?? {})) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new DcpError(`${at(`env.${k}`)} is not a valid environment variable name`);
    }

    this.pool = {
      name: props.name,
      image: props.image,
      containerType: props.containerType,
      replicas: props.replicas,
      idcs: [...props.idcs],
      ports: ports.map((p) => ({ ...p })),
      ...(healthCheck ? { healthCheck } : {}),
      ...(upstream ? { upstream } : {}),
      placement,
      owner: props.owner,
      ...(props.costCentre ? { costCentre: props.costCentre } : {}),
      env: { ...(props.env ?? {}) },
      ...(props.command ? { command: [...props.command] } : {}),
      source,
    };
  }

  get name(): string {
    return this.pool.name;
  }

  /**
   * Where a field was written (`idcs[1]`, `healthCheck.interval`): its own line in a pool
   * file, else the nearest enclosing field's, else the pool's source.
   */
  sourceOf(field: string, source = this.pool.source): string {
    for (let f = field; ; ) {
      if (this.fieldSources[f]) return this.fieldSources[f];
      const parent = f.replace(/(?:\.[^.[\]]+|\[\d+\])$/, "");
      if (parent === f) return source;
      f = parent;
    }
  }

  /** Resources of one container of this pool. */
  get containerResources(): Resources {
    return CONTAINER_TYPES[this.pool.containerType];
  }

  private healthCheck(props: PoolDefinition, ports: PortSpec[], at: (f: string) => string): HealthCheckSpec | undefined {
    const hc = props.healthCheck;
    if (!hc && ports.length === 0) return undefined;
    const spec: HealthCheckSpec = {
      path: hc?.path ?? "/health",
      port: hc?.port ?? ports[0]?.port ?? 0,
      intervalSeconds: hc?.intervalSeconds ?? POOL_DEFAULTS.healthCheck.intervalSeconds,
      timeoutSeconds: hc?.timeoutSeconds ?? POOL_DEFAULTS.healthCheck.timeoutSeconds,
    };
    if (!spec.path.startsWith("/")) throw new DcpError(`${at("healthCheck.path")} must start with "/" (got "${spec.path}")`);
    if (ports.length === 0) throw new DcpError(`${at("healthCheck")} needs a port: add ports, or remove healthCheck`);
    if (spec.port !== 0 && !ports.some((p) => p.port === spec.port)) {
      throw new DcpError(`${at("healthCheck.port")} ${spec.port} is not one of the pool's ports (${ports.map((p) => p.port).join(", ")})`);
    }
    if (!(spec.intervalSeconds > 0)) throw new DcpError(`${at("healthCheck.interval")} must be > 0 (got ${spec.intervalSeconds}s)`);
    if (!(spec.timeoutSeconds > 0 && spec.timeoutSeconds <= spec.intervalSeconds)) {
      throw new DcpError(`${at("healthCheck.timeout")} must be > 0 and not longer than the interval (got ${spec.timeoutSeconds}s, interval ${spec.intervalSeconds}s)`);
    }
    return spec;
  }

  private upstream(props: PoolDefinition, ports: PortSpec[], at: (f: string) => string): UpstreamSpec | undefined {
    const u = props.upstream;
    if (!u) return undefined;
    if (!UPSTREAM_NAME_PATTERN.test(u.name)) {
      throw new DcpError(`${at("upstream.name")} "${u.name}" must match [A-Za-z0-9_]+ (nginx upstream names), e.g. "${u.name.replace(/[^A-Za-z0-9_]/g, "_")}"`);
    }
    if (ports.length === 0) throw new DcpError(`${at("upstream")} needs a port to serve: add ports (the first port serves the upstream)`);
    const spec: UpstreamSpec = {
      name: u.name,
      weight: u.weight ?? POOL_DEFAULTS.upstream.weight,
      maxFails: u.maxFails ?? POOL_DEFAULTS.upstream.maxFails,
      failTimeoutSeconds: u.failTimeoutSeconds ?? POOL_DEFAULTS.upstream.failTimeoutSeconds,
    };
    if (!Number.isInteger(spec.weight) || spec.weight < 1 || spec.weight > 100) {
      throw new DcpError(`${at("upstream.weight")} must be an integer 1-100 (got ${spec.weight})`);
    }
    if (!Number.isInteger(spec.maxFails) || spec.maxFails < 0) throw new DcpError(`${at("upstream.maxFails")} must be an integer >= 0 (got ${spec.maxFails})`);
    if (!(spec.failTimeoutSeconds > 0)) throw new DcpError(`${at("upstream.failTimeout")} must be > 0 (got ${spec.failTimeoutSeconds}s)`);
    return spec;
  }

  private placement(props: PoolDefinition, at: (f: string) => string): PlacementSpec {
    const p = props.placement ?? {};
    const strategy = p.strategy ?? POOL_DEFAULTS.strategy;
    if (!STRATEGIES.includes(strategy)) {
      throw new DcpError(`${at("placement.strategy")} must be one of ${STRATEGIES.join(", ")} (got "${strategy}")`);
    }
    if (p.antiAffinity !== undefined && p.antiAffinity !== "host") {
      throw new DcpError(`${at("placement.antiAffinity")} must be "host" or absent (got "${String(p.antiAffinity)}")`);
    }
    const constraints = p.constraints ?? [];
    constraints.forEach((c, i) => {
      if (!CONSTRAINT_PATTERN.test(c)) {
        throw new DcpError(`${at(`placement.constraints[${i}]`)} "${c}" must be key==value or key!=value, e.g. "zone!=cn-beijing-j"`);
      }
    });
    return { strategy, ...(p.antiAffinity ? { antiAffinity: p.antiAffinity } : {}), constraints: [...constraints] };
  }
}
