/**
 * Where the desired state is deployed. `cloud`: Terraform for Alibaba Cloud. `local`: the
 * local site that `dcp up` makes on one machine (same pools, the demo image, replicas
 * scaled down).
 */
export const PROFILES = ["cloud", "local"] as const;

export type Profile = (typeof PROFILES)[number];

export function isProfile(value: unknown): value is Profile {
  return (PROFILES as readonly unknown[]).includes(value);
}
