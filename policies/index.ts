/**
 * Runs the policies listed in policy.yaml over a plan and applies severities and
 * overrides. Adding a policy = one module in policies/checks/, one entry in CHECKS and
 * one in policy.schema.json.
 */
import { join } from "node:path";
import { BurstRates } from "../model/burst-time";
import { DcpError } from "../model/errors";
import { YamlFileType } from "../yaml/load";
import { burstTime } from "./checks/burst-time";
import { dependencyRatios } from "./checks/dependency-ratios";
import { maxStep } from "./checks/max-step";
import { minZones } from "./checks/min-zones";
import { monthlyBudget } from "./checks/monthly-budget";
import { ownerQuota } from "./checks/owner-quota";
import { prepaidBuffer } from "./checks/prepaid-buffer";
import { publicPorts } from "./checks/public-ports";
import schema from "./policy.schema.json";
import { PolicyCheck, PolicyConfigBase, PolicyInput, PolicyResult } from "./types";

export const CHECKS: Array<PolicyCheck<any>> = [maxStep, ownerQuota, monthlyBudget, minZones, publicPorts, dependencyRatios, prepaidBuffer, burstTime];

export const DEFAULT_POLICY_FILE = join(__dirname, "policy.yaml");

export interface PolicyConfig {
  policies: Record<string, PolicyConfigBase>;
  /** The assumptions of the plan's burst-time estimate; each one left out keeps its default (DEFAULT_BURST_RATES). */
  burst?: Partial<BurstRates>;
}

const POLICY_FILE = new YamlFileType<PolicyConfig>({ name: "policy file", holds: "policy set", schema });

export function loadPolicyConfig(file: string = DEFAULT_POLICY_FILE): PolicyConfig {
  return POLICY_FILE.load(file);
}

/** `--override name=reason`, repeated. A reason is required: it is the record of why. */
export function parseOverrides(values: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const v of values) {
    const eq = v.indexOf("=");
    const name = eq < 0 ? v : v.slice(0, eq);
    const reason = eq < 0 ? "" : v.slice(eq + 1).trim();
    if (!CHECKS.some((c) => c.name === name)) {
      throw new DcpError(`--override ${v}: unknown policy "${name}"; policies are ${CHECKS.map((c) => c.name).join(", ")}`);
    }
    if (!reason) throw new DcpError(`--override ${v}: give a reason, e.g. --override ${name}="approved by SRE for the peak"`);
    out.set(name, reason);
  }
  return out;
}

export function evaluatePolicies(input: PolicyInput, config: PolicyConfig, overrides: Map<string, string> = new Map()): PolicyResult[] {
  const results: PolicyResult[] = [];
  for (const check of CHECKS) {
    const cfg = config.policies[check.name];
    if (!cfg) continue;
    const violations = check.check(input, cfg);
    const reason = overrides.get(check.name);
    let status: PolicyResult["status"] = "pass";
    if (violations.length > 0) status = cfg.severity === "warning" ? "warn" : reason ? "overridden" : "fail";
    const result: PolicyResult = { policy: check.name, severity: cfg.severity, status, violations };
    // An override is recorded wherever it was given, so a stale one is visible too.
    if (reason) result.override = { reason };
    results.push(result);
  }
  for (const name of overrides.keys()) {
    if (!config.policies[name]) throw new DcpError(`--override ${name}: that policy is not enabled in the policy file`);
  }
  return results;
}

export function blocking(results: PolicyResult[]): PolicyResult[] {
  return results.filter((r) => r.status === "fail");
}
