import { IConstruct } from "constructs";
import { Profile } from "../model/profile";

/** The construct context key that carries the profile (see model/profile.ts). */
export const PROFILE_CONTEXT_KEY = "dcp:profile";

export function profileOf(scope: IConstruct): Profile {
  return scope.node.tryGetContext(PROFILE_CONTEXT_KEY) === "local" ? "local" : "cloud";
}

export function isLocalProfile(scope: IConstruct): boolean {
  return profileOf(scope) === "local";
}
