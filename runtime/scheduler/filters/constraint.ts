import { DcpError } from "../../../model/errors";
import { Filter } from "../filter";
import { Constraint } from "../types";

/**
 * `key==value` / `key!=value` over host attributes (idc, zone, fleet, node and node
 * meta). A missing attribute equals nothing, so `key!=value` accepts it (as in Swarm).
 */
export const constraint: Filter = {
  name: "constraint",
  static: true,
  accepts: (host, request) => {
    for (const c of request.constraints) if ((host.attributes[c.key] === c.value) !== (c.op === "==")) return false;
    return true;
  },
};

const CONSTRAINT = /^\s*([A-Za-z0-9_.\-/]+)\s*(==|!=)\s*(\S(?:.*\S)?)\s*$/;

/** Parses a pool's placement constraint; `where` names the pool file or construct for the error. */
export function parseConstraint(text: string, where = "constraint"): Constraint {
  const m = CONSTRAINT.exec(text);
  if (!m) {
    throw new DcpError(
      `${where}: invalid placement constraint "${text}": write key==value or key!=value, e.g. zone==cn-beijing-h`
    );
  }
  return { key: m[1], op: m[2] as Constraint["op"], value: m[3] };
}
