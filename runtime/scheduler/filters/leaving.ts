import { Filter } from "../filter";

/** A host that is leaving (Terraform removes it after this apply) takes nothing new: its own containers are moving off it. */
export const leaving: Filter = {
  name: "leaving",
  static: true,
  accepts: (host) => !host.host.leaving,
};
