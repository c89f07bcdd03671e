import { IConstruct } from "constructs";

/**
 * `cloud`: Terraform for Alibaba Cloud. `local`: the local fleet made by `dcp up`; same
 * pools, no Terraform resources for hosts, networks or load balancers.
 */
export type Profile = "cloud" | "local";

export const PROFILE_CONTEXT_KEY = "dcp:profile";

export function profileOf(scope: IConstruct): Profile {
  return scope.node.tryGetContext(PROFILE_CONTEXT_KEY) === "local" ? "local" : "cloud";
}

export function isLocalProfile(scope: IConstruct): boolean {
  return profileOf(scope) === "local";
}
