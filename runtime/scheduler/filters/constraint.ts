import { admits } from "../../../model/pool-rules/constraints";
import { Filter } from "../filter";

/**
 * Every placement constraint of the request admits the host (model/pool-rules/constraints.ts:
 * `key==value` / `key!=value` over idc, zone, fleet, node and node meta).
 */
export const constraint: Filter = {
  name: "constraint",
  static: true,
  accepts: (host, request) => request.constraints.every((c) => admits(c, host.attributes[c.key])),
};
