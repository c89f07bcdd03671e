import { Construct } from "constructs";
import { DcpError } from "../model/errors";
import { CONTAINER_TYPES, Resources } from "../model/container-types";
import { HealthCheckSpec, PlacementSpec, PlacementStrategy, PoolDefinition, PortSpec, UpstreamSpec } from "../model/desired-state";
import { FieldProblem, formatFieldPath, isMapping } from "../model/fields";
import { poolProblems } from "../model/pool-rules";
import { UPDATE_DEFAULTS, UpdateSpec } from "../model/rollout";
import { ConsumerFormat, ConsumersSpec, FollowsSpec, TAKE_DOWN_DEFAULTS } from "../model/take-down";
import { AutoscaleSpec, resolveAutoscale } from "../model/autoscale";
import { DependencyTemplate } from "./dependency-template";

/** Documented defaults of a pool; the TSDoc of {@link ServicePoolProps} refers to these. */
export const POOL_DEFAULTS = {
  strategy: "spread" as PlacementStrategy,
  healthCheck: { intervalSeconds: 5, timeoutSeconds: 2 },
  upstream: { weight: 20, maxFails: 2, failTimeoutSeconds: 10 },
  update: UPDATE_DEFAULTS,
  takeDown: TAKE_DOWN_DEFAULTS,
  statusFormat: "upstream_show" as ConsumerFormat,
} as const;

/**
 * A pool as declared. Same fields as a pool file. Defaults applied by the construct:
 * - `ports`: `[]` (no ports: no upstream, no health check)
 * - `healthCheck`: when the pool has ports, `GET /health` on the first port every 5 s
 *   with a 2 s timeout; `intervalSeconds` 5 and `timeoutSeconds` 2 when only path/port are given
 * - `upstream`: none; when given, `weight` 20 (cloud hosts get weight × the IDC's
 *   cloudWeightFactor), `maxFails` 2, `failTimeoutSeconds` 10
 * - `upstream.consumers`: `followWithinSeconds` 10 (nginx-upsync-module's 5 s pull interval
 *   plus 5 s for a request in flight), no status endpoint; a status endpoint's `format`
 *   `upstream_show`
 * - `update`: `maxSurge` "25%", `maxUnavailable` "25%", no `canary` (model/rollout.ts)
 * - `stopGracePeriodSeconds`: 10 (SIGTERM, then SIGKILL after it)
 * - `follows`: none (not an entry tier); `follows.status.format` `upstream_show`
 * - `placement`: strategy `spread`, no anti-affinity, no constraints
 * - `dependencies`: none; `env`: `{}`; `command`: the image's
 * - `autoscale`: none; when given, `scaleOutCooldownSeconds` 10, `scaleInCooldownSeconds`
 *   300, no schedule (a window's `timezone` UTC, its `name` `<pool>-schedule-<i>`), the
 *   requests-per-second metric on the entry pool's port `status` at `/haproxy-stats;csv`
 *   (`haproxy-csv`), a Prometheus metric a gauge (`counter` false) of the pool (`per` pool)
 * - `source`: the construct path; `fieldSources`: none (errors name `source`)
 */
export type ServicePoolProps = PoolDefinition;

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
  autoscale?: AutoscaleSpec;
  owner: string;
  costCentre?: string;
  env: Record<string, string>;
  command?: string[];
  update: UpdateSpec;
  stopGracePeriodSeconds: number;
  follows?: FollowsSpec;
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
    this.pool = withDefaults(props, source);
    // The rules run on the pool as it will run: a default can break one too (a timeout longer than the default interval).
    const problems = poolProblems({ ...this.pool, dependencies: props.dependencies });
    if (problems.length > 0) throw new DcpError(this.describe(problems, props.name, source));
    for (const [i, d] of (props.dependencies ?? []).entries()) {
      new DependencyTemplate(this, `dependency-${i}`, { pool: props.name, dependsOn: d.pool, ratio: d.ratio, source: this.sourceOf(`dependencies[${i}]`, source) });
    }
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

  /** One line per problem, each where its field was written. */
  private describe(problems: FieldProblem[], name: string, source: string): string {
    const lines = problems.map((p) => {
      const field = formatFieldPath(p.path);
      return `${this.sourceOf(field, source)}: pool "${name}": ${field} ${p.message}`;
    });
    return lines.length === 1 ? lines[0] : [`${lines.length} problems in pool "${name}":`, ...lines].join("\n");
  }
}

/** The documented defaults, and copies of what the props hold; nothing is checked here. */
function withDefaults(props: PoolDefinition, source: string): ResolvedPool {
  const ports = (props.ports ?? []).map((p) => ({ ...p }));
  const healthCheck = defaultHealthCheck(props, ports);
  const upstream = props.upstream && {
    name: props.upstream.name,
    weight: props.upstream.weight ?? POOL_DEFAULTS.upstream.weight,
    maxFails: props.upstream.maxFails ?? POOL_DEFAULTS.upstream.maxFails,
    failTimeoutSeconds: props.upstream.failTimeoutSeconds ?? POOL_DEFAULTS.upstream.failTimeoutSeconds,
    consumers: defaultConsumers(props.upstream.consumers),
  };
  const placement = props.placement ?? {};
  return {
    name: props.name,
    image: props.image,
    containerType: props.containerType,
    replicas: props.replicas,
    idcs: [...props.idcs],
    ports,
    ...(healthCheck ? { healthCheck } : {}),
    ...(upstream ? { upstream } : {}),
    placement: { strategy: placement.strategy ?? POOL_DEFAULTS.strategy, ...(placement.antiAffinity ? { antiAffinity: placement.antiAffinity } : {}), constraints: [...(placement.constraints ?? [])] },
    ...(props.autoscale ? { autoscale: autoscaleWithDefaults(props) } : {}),
    owner: props.owner,
    ...(props.costCentre ? { costCentre: props.costCentre } : {}),
    env: { ...(props.env ?? {}) },
    ...(props.command ? { command: [...props.command] } : {}),
    update: { ...POOL_DEFAULTS.update, ...(props.update ?? {}) },
    stopGracePeriodSeconds: props.stopGracePeriodSeconds ?? POOL_DEFAULTS.takeDown.stopGracePeriodSeconds,
    ...(props.follows ? { follows: defaultFollows(props.follows) } : {}),
    source,
  };
}

function defaultConsumers(given: NonNullable<PoolDefinition["upstream"]>["consumers"]): ConsumersSpec {
  return {
    followWithinSeconds: given?.followWithinSeconds ?? POOL_DEFAULTS.takeDown.followWithinSeconds,
    status: (given?.status ?? []).map((s) => ({ url: s.url, format: s.format ?? POOL_DEFAULTS.statusFormat })),
  };
}

function defaultFollows(f: NonNullable<PoolDefinition["follows"]>): FollowsSpec {
  const status = f.status && { port: f.status.port, path: f.status.path, format: f.status.format ?? POOL_DEFAULTS.statusFormat };
  return { upstreams: [...f.upstreams], ...(status ? { status } : {}) };
}

/** Defaults need the metric's shape; a rule that has none is left as written for the rules to name. */
function autoscaleWithDefaults(props: PoolDefinition): AutoscaleSpec {
  const a = props.autoscale!;
  return isMapping(a) && isMapping(a.metric) ? resolveAutoscale(a, props.name) : (a as unknown as AutoscaleSpec);
}

/** A pool with ports is checked with GET /health on its first port unless it says otherwise. */
function defaultHealthCheck(props: PoolDefinition, ports: PortSpec[]): HealthCheckSpec | undefined {
  const hc = props.healthCheck;
  if (!hc && ports.length === 0) return undefined;
  return {
    path: hc?.path ?? "/health",
    port: hc?.port ?? ports[0]?.port ?? 0,
    intervalSeconds: hc?.intervalSeconds ?? POOL_DEFAULTS.healthCheck.intervalSeconds,
    timeoutSeconds: hc?.timeoutSeconds ?? POOL_DEFAULTS.healthCheck.timeoutSeconds,
  };
}
