import { admits, constraintText } from "../../../model/pool-rules/constraints";
import { Filter, tally } from "../filter";
import { HostState } from "../host-state";
import { Constraint, ContainerRequest } from "../types";

/** The request's first requirement the host does not meet; preferences (soft) never count. */
function unmet(host: HostState, request: ContainerRequest): Constraint | undefined {
  return request.constraints.find((c) => !c.soft && !admits(c, host.attributes[c.key]));
}

/**
 * The host meets every placement constraint of the request that is a requirement
 * (model/pool-rules/constraints.ts: `key==value`, `key!=value`, globs; over idc, zone,
 * fleet, node and node meta). Preferences rank hosts instead (scorers/soft-constraints.ts).
 */
export const constraint: Filter = {
  name: "constraint",
  static: true,
  accepts: (host, request) => unmet(host, request) === undefined,
  explain: (rejected, request) => tally(rejected.map((host) => constraintText(unmet(host, request)!))),
};
