/**
 * The rules of a pool, one module each: names, images, ports, health checks, upstreams,
 * placement and its constraints, dependencies, autoscaling, and the pool's own fields.
 * Every reader of a pool calls poolProblems: the pool-file loader (on the file as
 * written), the ServicePool construct (on the pool with its defaults) and `--desired` (on
 * a DesiredState JSON file), so each rule is written once. schema/pool.schema.json, published for
 * editors, states the same patterns, limits and values; a unit test keeps them equal.
 *
 * Fields are named as a pool file names them (healthCheck.interval for intervalSeconds),
 * so a problem points at the line that holds the field.
 */
import { FieldProblem } from "../fields";
import { PoolDefinition } from "../desired-state";
import { autoscaleProblems } from "./autoscale";
import { dependencyProblems } from "./dependencies";
import { healthCheckProblems } from "./health-checks";
import { imageProblems } from "./images";
import { envProblems, nameProblems } from "./names";
import { placementProblems } from "./placement";
import { containerTypeProblems, idcListProblems, ownerProblems, replicaProblems } from "./pool";
import { portProblems } from "./ports";
import { upstreamProblems } from "./upstreams";
import { consumerProblems, followsProblems } from "./consumers";
import { stopGraceProblems, updateProblems } from "./update";
import { isMapping } from "../fields";

/** A pool as the rules read it: PoolDefinition's fields, any of which may hold anything. */
export type PoolFields = { [K in keyof PoolDefinition]?: unknown };

/** Every rule a pool breaks, in field order. */
export function poolProblems(pool: PoolFields): FieldProblem[] {
  return [
    ...nameProblems(pool.name, ["name"]),
    ...imageProblems(pool.image),
    ...containerTypeProblems(pool.containerType),
    ...replicaProblems(pool.replicas),
    ...idcListProblems(pool.idcs),
    ...portProblems(pool.ports),
    ...healthCheckProblems(pool.healthCheck, pool.ports),
    ...upstreamProblems(pool.upstream, pool.ports),
    ...consumerProblems(isMapping(pool.upstream) ? pool.upstream.consumers : undefined),
    ...placementProblems(pool.placement),
    ...dependencyProblems(pool.dependencies, pool.name),
    ...autoscaleProblems(pool.autoscale, pool.name, pool.upstream),
    ...ownerProblems(pool.owner),
    ...envProblems(pool.env),
    ...updateProblems(pool.update),
    ...stopGraceProblems(pool.stopGracePeriodSeconds),
    ...followsProblems(pool.follows, pool.ports),
  ];
}
